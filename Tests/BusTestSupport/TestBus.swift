import Foundation
import Testing

/// A private `dbus-daemon` started by a test and stopped by its pid; its socket lives in a fresh temp directory.
///
/// Children of the test runner inherit a signal mask that blocks SIGTERM, so the daemon is stopped with SIGKILL;
/// its exit is awaited through the termination handler, never by blocking a concurrency thread.
final class TestBus: @unchecked Sendable {
    let directory: URL
    let address: String
    private let daemon: Process
    private let exited: AsyncStream<Void>

    private init(directory: URL, address: String, daemon: Process, exited: AsyncStream<Void>) {
        self.directory = directory
        self.address = address
        self.daemon = daemon
        self.exited = exited
    }

    /// The daemon's process id.
    var pid: Int32 { daemon.processIdentifier }

    static func start() async throws -> TestBus {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dbusservice-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let socket = directory.appendingPathComponent("bus").path
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: "/usr/bin/dbus-daemon")
        let printedAddress = directory.appendingPathComponent("address")
        _ = FileManager.default.createFile(atPath: printedAddress.path, contents: nil)
        daemon.arguments = ["--session", "--nofork", "--nopidfile", "--print-address=1", "--address=unix:path=\(socket)"]
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

    /// Kills the daemon (by pid), waits for it to exit, and removes the directory. Idempotent.
    func stop() async {
        if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) }
        for await _ in exited {}
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` with a fresh bus and always stops the bus afterwards.
    static func with<T>(_ body: (TestBus) async throws -> T) async throws -> T {
        let bus = try await TestBus.start()
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

struct TestBusError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held. Never asserts on speed.
func eventually(timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
