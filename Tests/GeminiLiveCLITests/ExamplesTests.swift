import BusTestSupport
import Foundation
import Testing

/// The programs in `examples/`, each run against the in-process gateway and simulator on a private bus.
@Suite("examples/")
struct ExamplesTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

    static func example(_ name: String) -> String { examples.appendingPathComponent(name).path }

    @Test("busctl-session.sh starts a detached session, says something, reads its properties and closes it")
    func busctlSession() async throws {
        try await CLIHarness.with { cli in
            let result = try #require(
                await withTimeout(.seconds(60)) {
                    try? await ClientTool.run(
                        [Self.example("busctl-session.sh"), "Hello from the example"], bus: cli.bus,
                        environment: cli.environment.merging(["BUSCTL_ADDRESS": cli.bus.address]) { $1 })
                }, "busctl-session.sh did not finish")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("session: /io/github/geminilive/Gateway1/session/"), "\(result.stdout)")
            #expect(result.stdout.contains("State: \"active\""), "\(result.stdout)")
            #expect(result.stdout.contains("Turn: 1"), "\(result.stdout)")
            #expect(result.stdout.contains("closed"))
            #expect(try await cli.run("sessions").stdout.contains("No open sessions."))
        }
    }

    @Test("live-captions.py prints the user's and the model's words of a turn in order")
    func liveCaptions() async throws {
        try await CLIHarness.with { cli in
            let path = try await cli.run("start").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let captions = try ClientTool.start(
                [Self.example("live-captions.py"), "--address", cli.bus.address, "--session", path, "--turns", "1"],
                bus: cli.bus, environment: cli.environment)
            let listening = await eventually { captions.stderr.contains("listening") }
            #expect(listening, "\(captions.stderr)")
            _ = try await cli.run("say", "--session", path, "Captions for everyone")
            let result = try #require(await withTimeout(.seconds(30)) { await captions.finish() }, "live-captions.py did not end")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("gemini [0]: "), "\(result.stdout)")
            #expect(result.stdout.contains("Captions for everyone"), "\(result.stdout)")
            _ = try await cli.run("close", "--session", path)
        }
    }

    @Test("tool-responder.py answers a ToolCall with SendToolResponse and the turn completes")
    func toolResponder() async throws {
        try await CLIHarness.with { cli in
            let tools = cli.bus.directory.appendingPathComponent("tools.json")
            try #"[{"name": "get_weather", "description": "The weather in a city"}]"#.write(
                to: tools, atomically: true, encoding: .utf8)
            let path = try await cli.run("start", "--tools", tools.path).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let responder = try ClientTool.start(
                [Self.example("tool-responder.py"), "--address", cli.bus.address, "--session", path, "--calls", "1"],
                bus: cli.bus, environment: cli.environment)
            #expect(await eventually { responder.stderr.contains("listening") }, "\(responder.stderr)")
            let watcher = try await cli.watch("--session", path, "--json", "--turns", "1")
            _ = try await cli.run("say", "--no-wait", "--session", path, #"call get_weather {"city": "Paris"}"#)
            let answered = try #require(await withTimeout(.seconds(30)) { await responder.finish() }, "no answer")
            #expect(answered.status == 0, "\(answered.stderr)")
            #expect(answered.stdout.contains("get_weather"), "\(answered.stdout)")
            #expect(answered.stdout.contains("\"temperature\": 20"), "\(answered.stdout)")
            let watched = try #require(await withTimeout(.seconds(30)) { await watcher.finish() }, "the turn did not complete")
            let events = jsonLines(watched.stdout).compactMap { $0["event"] as? String }
            #expect(events.contains("tool_call"))
            #expect(events.last == "turn_complete", "\(watched.stdout)")
            _ = try await cli.run("close", "--session", path)
        }
    }
}
