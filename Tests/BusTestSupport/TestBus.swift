import Foundation

/// A private `dbus-daemon` started by a test and stopped by its pid; its socket lives in a fresh temp directory.
///
/// Children of the test runner may inherit a signal mask that blocks SIGTERM, so the daemon is stopped with
/// SIGKILL; its exit is awaited through the termination handler, never by blocking a concurrency thread.
public final class TestBus: @unchecked Sendable {
    /// The bus' own directory (socket, configuration, tool output); removed by ``stop()``.
    public let directory: URL
    /// The address clients dial, e.g. `unix:path=/tmp/bus-tests-…/bus`.
    public let address: String
    private let daemon: Process
    private let exited: AsyncStream<Void>

    private init(directory: URL, address: String, daemon: Process, exited: AsyncStream<Void>) {
        self.directory = directory
        self.address = address
        self.daemon = daemon
        self.exited = exited
    }

    /// The daemon's process id.
    public var pid: Int32 { daemon.processIdentifier }

    /// Starts a session-type bus. `serviceDirectories` are added as `<servicedir>`s for D-Bus activation;
    /// `environment`, when given, replaces the daemon's environment (activated services inherit it).
    public static func start(serviceDirectories: [String] = [], environment: [String: String]? = nil) async throws -> TestBus {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("bus-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let socket = directory.appendingPathComponent("bus").path
        let configuration = directory.appendingPathComponent("bus.conf")
        try busConfiguration(serviceDirectories: serviceDirectories).write(to: configuration, atomically: true, encoding: .utf8)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: "/usr/bin/dbus-daemon")
        let printedAddress = directory.appendingPathComponent("address")
        _ = FileManager.default.createFile(atPath: printedAddress.path, contents: nil)
        daemon.arguments = [
            "--config-file=\(configuration.path)", "--nofork", "--nopidfile", "--print-address=1",
            "--address=unix:path=\(socket)",
        ]
        if let environment { daemon.environment = environment }
        daemon.standardOutput = try FileHandle(forWritingTo: printedAddress)
        daemon.standardError = FileHandle.nullDevice
        let (exited, continuation) = AsyncStream<Void>.makeStream()
        daemon.terminationHandler = { _ in continuation.finish() }
        try daemon.run()
        let bus = TestBus(directory: directory, address: "unix:path=\(socket)", daemon: daemon, exited: exited)
        // The daemon prints its address once it is listening.
        let ready = await eventually {
            ((try? String(contentsOf: printedAddress, encoding: .utf8)) ?? "").contains("\n")
        }
        guard ready, daemon.isRunning else {
            await bus.stop()
            throw TestBusError("dbus-daemon did not start listening on \(socket)")
        }
        return bus
    }

    /// The stock session bus configuration plus `serviceDirectories`.
    static func busConfiguration(serviceDirectories: [String]) -> String {
        let directories = serviceDirectories.map { "  <servicedir>\($0)</servicedir>\n" }.joined()
        return """
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <include>/usr/share/dbus-1/session.conf</include>
            \(directories)</busconfig>

            """
    }

    /// Kills the daemon (by pid), waits for it to exit, and removes the directory. Idempotent.
    public func stop() async {
        if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) }
        for await _ in exited {}
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` with a fresh bus and always stops the bus afterwards.
    public static func with<T>(
        serviceDirectories: [String] = [], environment: [String: String]? = nil, _ body: (TestBus) async throws -> T
    ) async throws -> T {
        let bus = try await TestBus.start(serviceDirectories: serviceDirectories, environment: environment)
        do {
            let result = try await body(bus)
            await bus.stop()
            return result
        } catch {
            await bus.stop()
            throw error
        }
    }
}

/// A fixture failure, described.
public struct TestBusError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held. Never asserts on speed.
public func eventually(timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
