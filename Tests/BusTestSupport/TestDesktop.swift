import Foundation
import Synchronization

/// A private PipeWire + WirePlumber (and session bus) started by `scripts/test-desktop.sh` for
/// one test, with the graph quantum pinned to 256 frames; stopped by its directory (the script
/// signals only the PIDs it recorded). `wirePlumber: false` starts no session manager.
public struct TestDesktop: Sendable {
    /// The graph quantum the desktop pins, in frames at 48 kHz.
    public static let quantum = 256
    /// The project's checkout.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The desktop's XDG_RUNTIME_DIR.
    public let directory: String
    /// The environment of a program inside the desktop (its bus, its PipeWire).
    public let environment: [String: String]
    /// A directory for the test's files.
    public let scratch: URL

    /// The PipeWire socket, for ``PipeWireLoop/Configuration/remote``.
    public var socket: String { directory + "/pipewire-0" }

    /// Starts a desktop, runs `body` in it, and stops it. `quantum`: the frames the graph is
    /// pinned to (``quantum`` by default; PipeWire's echo canceller needs a multiple of 480).
    public static func run<T>(wirePlumber: Bool = true, quantum: Int = Self.quantum,
                              _ body: (TestDesktop) async throws -> T) async throws -> T {
        var environment = ProcessInfo.processInfo.environment
        environment["TEST_DESKTOP_QUANTUM"] = String(quantum)
        environment["TEST_DESKTOP_WIREPLUMBER"] = wirePlumber ? "1" : "0"
        let start = try Tool.run(root.path + "/scripts/test-desktop.sh", ["start"], environment: environment)
        var directory = ""
        for line in start.split(separator: "\n") where line.hasPrefix("export ") {
            let assignment = line.dropFirst("export ".count)
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            let key = String(assignment[..<equals])
            let value = String(assignment[assignment.index(after: equals)...]).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
            environment[key] = value
            if key == "TEST_DESKTOP_DIR" { directory = value }
        }
        guard !directory.isEmpty else { throw ToolError(description: "test-desktop.sh printed no TEST_DESKTOP_DIR") }
        for key in ["PIPEWIRE_REMOTE", "PIPEWIRE_RUNTIME_DIR", "PULSE_SERVER"] { environment[key] = nil }
        let scratch = URL(fileURLWithPath: directory).appendingPathComponent("audio-nodes-test")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let desktop = TestDesktop(directory: directory, environment: environment, scratch: scratch)
        defer { _ = try? Tool.run(root.path + "/scripts/test-desktop.sh", ["stop", directory], environment: environment) }
        return try await body(desktop)
    }

    /// Runs a tool inside the desktop and returns its standard output.
    @discardableResult
    public func run(_ tool: String, _ arguments: [String]) throws -> String {
        try Tool.run(tool, arguments, environment: environment)
    }

    /// Starts a tool inside the desktop; stop it with ``Tool/stop(_:)``.
    public func start(_ tool: String, _ arguments: [String]) throws -> Process {
        try Tool.start(tool, arguments, environment: environment)
    }

    /// The properties of every node in `pw-dump`, keyed by `node.name`.
    /// `pw-dump` can print a torn document while the graph changes under it; such a dump is read again.
    public func nodes() throws -> [String: [String: Any]] {
        var attempt = 0
        var parsed: Any?
        while parsed == nil {
            attempt += 1
            let json = try run("/usr/bin/pw-dump", ["--no-colors"])
            do {
                parsed = try JSONSerialization.jsonObject(with: Data(json.utf8))
            } catch {
                if attempt >= 5 { throw error }
            }
        }
        let objects = parsed as? [[String: Any]] ?? []
        var nodes: [String: [String: Any]] = [:]
        for object in objects where object["type"] as? String == "PipeWire:Interface:Node" {
            if let info = object["info"] as? [String: Any], let props = info["props"] as? [String: Any],
               let name = props["node.name"] as? String {
                nodes[name] = props
            }
        }
        return nodes
    }

    /// Every link as `pw-link -l` prints it: (`node:output_port`, `node:input_port`).
    public func links() throws -> [(output: String, input: String)] {
        var pairs: [(output: String, input: String)] = []
        var port = ""
        for line in try run("/usr/bin/pw-link", ["-l"]).split(separator: "\n") {
            if !line.hasPrefix(" ") {
                port = String(line)
            } else if let arrow = line.range(of: "|-> ") {
                pairs.append((port, String(line[arrow.upperBound...])))
            }
        }
        return pairs
    }

    /// The input ports the output ports of `node` link to.
    public func linkTargets(of node: String) throws -> [String] {
        try links().filter { $0.output.hasPrefix(node + ":") }.map(\.input)
    }

    /// Stops PipeWire (and WirePlumber) and starts them again on the same socket.
    public func restartPipeWire() throws {
        try Tool.run(Self.root.path + "/scripts/test-desktop.sh", ["restart-pipewire", directory], environment: environment)
    }

    /// Adds a null sink with a high session priority, so WirePlumber makes it the default sink:
    /// the "speakers" an app plays into until it is routed elsewhere.
    public func addDefaultSpeaker(named name: String = "test-speaker") async throws {
        try run("/usr/bin/pw-cli", ["create-node", "adapter", """
            { factory.name=support.null-audio-sink node.name=\(name) media.class=Audio/Sink \
            audio.position=[MONO] object.linger=true priority.session=2000 }
            """])
        try await waitForPort("\(name):playback_MONO", inputs: true)
    }

    /// A 48 kHz stereo 440 Hz sine at half scale, `seconds` long, as a WAV in the scratch directory.
    public func tone(seconds: Int = 50) throws -> String {
        let wav = scratch.appendingPathComponent("tone-\(seconds).wav").path
        try run("/usr/bin/sox", ["-n", "-r", "48000", "-c", "2", wav, "synth", String(seconds), "sine", "440", "vol", "0.5"])
        return wav
    }

    /// Waits until `pw-link` lists a port `<node>:<port>` (input ports with `inputs`).
    public func waitForPort(_ port: String, inputs: Bool) async throws {
        try await waitUntil("port \(port)") {
            try run("/usr/bin/pw-link", [inputs ? "-i" : "-o"]).split(separator: "\n").contains { $0 == port }
        }
    }
}

/// Polls `condition` every 20 ms for up to `seconds`; fails the test when it never holds.
public func waitUntil(_ what: String, seconds: Double = 10, _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw ToolError(description: "timed out waiting for \(what)")
}

/// Runs the tools tests use, inside a desktop's environment.
public enum Tool {
    /// Starts `tool`; end it with ``stop(_:)``, or await its end with ``waitForExit(_:)``.
    public static func start(_ tool: String, _ arguments: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let (exited, continuation) = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in continuation.finish() }
        exits.withLock { $0[ObjectIdentifier(process)] = exited }
        do {
            try process.run()
        } catch {
            exits.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(process)) }
            throw error
        }
        return process
    }

    /// The end of each process ``start(_:_:environment:)`` started and nobody awaited yet.
    private static let exits = Mutex<[ObjectIdentifier: AsyncStream<Void>]>([:])

    /// Returns once `process` (started by ``start(_:_:environment:)``) has exited, suspending the task
    /// instead of blocking a thread of the cooperative pool as `waitUntilExit()` would.
    public static func waitForExit(_ process: Process) async {
        let exited = exits.withLock { $0.removeValue(forKey: ObjectIdentifier(process)) }
        if let exited {
            for await _ in exited {}
        } else {
            while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }

    /// Runs a tool to completion. Its output goes through a file, not a pipe: daemons the tool
    /// leaves running (test-desktop.sh) would hold a pipe open forever.
    public static func run(_ tool: String, _ arguments: [String], environment: [String: String]) throws -> String {
        let outputURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("audio-nodes-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputURL) }
        // posix_spawn + waitpid, not Foundation.Process: Process waits for a descriptor its child
        // hands down, and the daemons test-desktop.sh leaves behind inherit it.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputURL.path, O_WRONLY | O_TRUNC, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([tool] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, tool, &actions, nil, argv, envp)
        guard spawned == 0 else { throw ToolError(description: "\(tool): posix_spawn failed (\(spawned))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        guard status == 0 else {
            throw ToolError(description: "\(tool) \(arguments.joined(separator: " ")) exited with status \(status)")
        }
        return try String(contentsOf: outputURL, encoding: .utf8)
    }

    /// Ends a process this test started, by its PID (SIGINT lets pw-record finish its file).
    public static func stop(_ process: Process) {
        if process.isRunning {
            kill(process.processIdentifier, SIGINT)
        }
        exits.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(process)) }
        process.waitUntilExit()
    }
}

/// A tool failed or a wait timed out.
public struct ToolError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
}
