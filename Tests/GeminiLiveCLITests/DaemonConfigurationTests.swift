import BusTestSupport
import Foundation
import Testing

@Suite("gemini-live-gateway reads config.toml")
struct DaemonConfigurationTests {
    private static var daemonPath: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("gemini-live-gateway").path
    }

    private static func environment(_ bus: TestBus) -> [String: String] {
        let home = bus.directory.appendingPathComponent("home").path
        return ["PATH": "/usr/bin:/bin", "HOME": home, "XDG_CONFIG_HOME": "\(home)/.config", "DBUS_SESSION_BUS_ADDRESS": bus.address]
    }

    @Test("the file's default model becomes DefaultModel; --default-model still wins")
    func defaultsFromFile() async throws {
        try await TestBus.with { bus in
            let file = bus.directory.appendingPathComponent("config.toml")
            try "model = \"gemini-3.8-live-extended-thinking\"\n[vad]\nsilence_duration_ms = 400\n".write(
                to: file, atomically: true, encoding: .utf8)
            for (arguments, expected) in [
                ([String](), "gemini-3.8-live-extended-thinking"), (["--default-model", "gemini-3.8-live"], "gemini-3.8-live"),
            ] {
                let daemon = try ClientTool.start(
                    [Self.daemonPath, "--simulator", "--config", file.path] + arguments, bus: bus,
                    environment: Self.environment(bus))
                let up = await eventually { (try? await bus.busctl("status", "io.github.geminilive.Gateway1"))?.status == 0 }
                #expect(up, "\(daemon.stderr)")
                let reply = try await bus.busctl(
                    "get-property", "io.github.geminilive.Gateway1", "/io/github/geminilive/Gateway1",
                    "io.github.geminilive.Gateway1", "DefaultModel")
                #expect(reply.stdout.contains("\"\(expected)\""), "\(reply.stdout)")
                _ = await daemon.stop()
            }
        }
    }

    @Test("a bad file stops the daemon at start with the line, the key and a fix")
    func badFile() async throws {
        try await TestBus.with { bus in
            let file = bus.directory.appendingPathComponent("config.toml")
            try "model = \"m\"\n\n[audio]\nchunk_ms = \"40\"\n".write(to: file, atomically: true, encoding: .utf8)
            let result = try await ClientTool.run(
                [Self.daemonPath, "--simulator", "--config", file.path], bus: bus, environment: Self.environment(bus))
            #expect(result.status == 1)
            #expect(result.stderr.contains("config.toml:4: audio.chunk_ms: must be an integer"), "\(result.stderr)")
            #expect(result.stderr.contains("Fix:"))

            let missing = try await ClientTool.run(
                [Self.daemonPath, "--simulator", "--config", "/nonexistent/config.toml"], bus: bus,
                environment: Self.environment(bus))
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("does not exist"))
        }
    }
}
