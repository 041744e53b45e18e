import Foundation

/// Runs independent D-Bus client tools (`busctl`, `gdbus`, `dbus-send`, `dbus-monitor`) as child processes.
/// Output goes to files in the bus' directory, so no pipe can fill up; processes are stopped by pid.
public final class ClientTool: @unchecked Sendable {
    private let process: Process
    private let stdoutURL: URL
    private let stderrURL: URL
    private let exited: AsyncStream<Int32>

    /// How a tool ended and what it printed.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    private init(_ arguments: [String], in directory: URL, environment: [String: String]?) throws {
        let id = UUID().uuidString
        stdoutURL = directory.appendingPathComponent("\(id).out")
        stderrURL = directory.appendingPathComponent("\(id).err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = try FileHandle(forWritingTo: stdoutURL)
        let errors = try FileHandle(forWritingTo: stderrURL)
        defer {
            try? output.close()
            try? errors.close()
        }
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        if let environment { process.environment = environment }
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        exited = stream
        process.terminationHandler = { process in
            continuation.yield(process.terminationStatus)
            continuation.finish()
        }
        try process.run()
    }

    /// Starts a long-running tool (e.g. a monitor).
    public static func start(_ arguments: [String], bus: TestBus, environment: [String: String]? = nil) throws -> ClientTool {
        try ClientTool(arguments, in: bus.directory, environment: environment)
    }

    /// Runs a tool to completion.
    public static func run(_ arguments: [String], bus: TestBus, environment: [String: String]? = nil) async throws -> Result {
        try await ClientTool(arguments, in: bus.directory, environment: environment).finish()
    }

    /// Runs a tool to completion with its output files in `directory` (for tools that need no bus).
    public static func run(_ arguments: [String], in directory: URL, environment: [String: String]? = nil) async throws -> Result {
        try await ClientTool(arguments, in: directory, environment: environment).finish()
    }

    public var pid: Int32 { process.processIdentifier }

    /// Whether the process has not exited yet.
    public var isRunning: Bool { process.isRunning }

    public var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Waits for the process to exit and returns its status and output.
    public func finish() async -> Result {
        var status: Int32 = -1
        for await code in exited { status = code }
        return Result(status: status, stdout: stdout, stderr: stderr)
    }

    /// Kills this tool by pid (SIGKILL: the inherited signal mask blocks SIGTERM) and waits for it to exit.
    public func stop() async -> Result {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        return await finish()
    }
}

extension TestBus {
    /// `busctl --address=… <arguments>`.
    public func busctl(_ arguments: String...) async throws -> ClientTool.Result {
        try await ClientTool.run(["busctl", "--address=\(address)"] + arguments, bus: self)
    }

    /// `busctl --address=… --json=short <arguments>`, decoded.
    public func busctlJSON(_ arguments: String...) async throws -> Any {
        let result = try await ClientTool.run(["busctl", "--address=\(address)", "--json=short"] + arguments, bus: self)
        guard result.status == 0 else { throw TestBusError("busctl \(arguments) failed: \(result.stderr)") }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: [.fragmentsAllowed])
    }

    /// `gdbus call --address … --dest … --object-path … --method …` with GVariant-text arguments.
    public func gdbusCall(dest: String, path: String, method: String, _ arguments: String...) async throws -> ClientTool.Result {
        try await ClientTool.run(
            ["gdbus", "call", "--address", address, "--dest", dest, "--object-path", path, "--method", method] + arguments,
            bus: self)
    }

    /// Starts `dbus-monitor --address … <rules>` and waits until it is monitoring (it has dropped its own name).
    public func startMonitor(_ rules: [String]) async throws -> ClientTool {
        let monitor = try ClientTool.start(["dbus-monitor", "--address", address] + rules, bus: self)
        let ready = await eventually { monitor.stdout.contains("NameLost") }
        guard ready else {
            _ = await monitor.stop()
            throw TestBusError("dbus-monitor did not start: \(monitor.stderr)")
        }
        return monitor
    }
}
