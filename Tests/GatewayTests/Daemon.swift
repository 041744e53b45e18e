import BusTestSupport
import Foundation
import Gateway

/// The real `gemini-live-gateway` executable, run as a child process on a test bus and stopped by its pid.
struct Daemon: Sendable {
    let tool: ClientTool
    let bus: TestBus

    /// The directory holding the built executables (the test bundle's own).
    static var binDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// Starts the daemon with `arguments` and an environment of only the bus address, a temporary HOME and
    /// `environment`; returns once it owns its name.
    static func start(_ arguments: [String], bus: TestBus, environment: [String: String] = [:]) async throws -> Daemon {
        let daemon = try launch(arguments, bus: bus, environment: environment)
        let tool = daemon.tool
        let up = await eventually { (try? await bus.busctl("status", GatewayConfiguration.busName))?.status == 0 }
        guard up else {
            let result = await tool.stop()
            throw TestBusError("the daemon did not take its name: \(result.stderr)")
        }
        return daemon
    }

    /// Starts the daemon as ``start(_:bus:environment:)`` does, without waiting for its name.
    static func launch(_ arguments: [String], bus: TestBus, environment: [String: String] = [:]) throws -> Daemon {
        let binary = binDirectory.appendingPathComponent("gemini-live-gateway").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TestBusError("\(binary) is not built; run swift build --build-tests first")
        }
        let home = bus.directory.appendingPathComponent("home").path
        var base = [
            "PATH": "/usr/bin:/bin", "HOME": home, "XDG_CONFIG_HOME": "\(home)/.config",
            "DBUS_SESSION_BUS_ADDRESS": bus.address,
        ]
        base.merge(environment) { $1 }
        return Daemon(tool: try ClientTool.start([binary] + arguments, bus: bus, environment: base), bus: bus)
    }

    /// Sends `signal` to this daemon (by its pid).
    func send(_ signal: Int32) {
        kill(tool.pid, signal)
    }

    /// Waits up to `timeout` for the daemon to exit on its own: its status and output, or nil if it still runs.
    func exit(within timeout: Duration) async -> ClientTool.Result? {
        let tool = self.tool
        return await withTimeout(timeout) { await tool.finish() }
    }

    /// The `SigBlk` and `SigIgn` masks of the running daemon, from /proc.
    func signalMasks() -> (blocked: UInt64, ignored: UInt64) {
        let status = (try? String(contentsOfFile: "/proc/\(tool.pid)/status", encoding: .utf8)) ?? ""
        func mask(_ key: String) -> UInt64 {
            let line = status.split(separator: "\n").first { $0.hasPrefix(key) }
            return line.flatMap { UInt64($0.dropFirst(key.count).trimmingCharacters(in: .whitespaces), radix: 16) } ?? 0
        }
        return (mask("SigBlk:"), mask("SigIgn:"))
    }

    /// Sends SIGTERM and waits for the exit (up to `timeout`; then SIGKILL, and nil).
    func terminate(timeout: Duration = .seconds(30)) async -> ClientTool.Result? {
        kill(tool.pid, SIGTERM)
        let tool = self.tool
        if let result = await withTimeout(timeout, { await tool.finish() }) { return result }
        _ = await tool.stop()
        return nil
    }
}
