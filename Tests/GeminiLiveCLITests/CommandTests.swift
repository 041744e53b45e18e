import BusTestSupport
import Foundation
import Testing

@Suite("gemini-live against the gateway")
struct CommandTests {
    @Test("start, sessions, say with watch, close: the whole session from the command line")
    func wholeSession() async throws {
        try await CLIHarness.with { cli in
            let empty = try await cli.run("sessions")
            #expect(empty.status == 0)
            #expect(empty.stdout.contains("No open sessions."))

            let started = try await cli.run("start", "--voice", "Kore", "--response-modality", "AUDIO", "--silence-ms", "500")
            #expect(started.status == 0, "\(started.stderr)")
            let path = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(path.hasPrefix("/io/github/geminilive/Gateway1/session/"))

            let listed = try await cli.run("sessions", "--json")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
            #expect(rows.count == 1)
            #expect(rows.first?["path"] as? String == path)
            #expect(rows.first?["state"] as? String == "active")
            #expect(rows.first?["turn"] as? Int == 0)

            let watcher = try await cli.watch("--json", "--turns", "1")
            let said = try await cli.run("say", "Hello", "from", "the", "terminal")
            #expect(said.status == 0, "\(said.stderr)")
            let watched = await withTimeout { await watcher.finish() }
            let result = try #require(watched, "watch did not end after one turn")
            #expect(result.status == 0, "\(result.stderr)")
            let events = jsonLines(result.stdout)
            #expect(events.first?["event"] as? String == "session")
            let output = events.filter { $0["event"] as? String == "output" }
            #expect(!output.isEmpty, "\(result.stdout)")
            let sequences = output.compactMap { $0["sequence"] as? Int }
            #expect(sequences == sequences.sorted())
            let text = output.compactMap { $0["text"] as? String }.joined()
            #expect(text.contains("Hello from the terminal"), "\(text)")
            #expect(events.last?["event"] as? String == "turn_complete")

            let closing = try await cli.watch("--session", path)
            let closed = try await cli.run("close")
            #expect(closed.status == 0, "\(closed.stderr)")
            let closingResult = try #require(await withTimeout { await closing.finish() })
            #expect(closingResult.status == 0)
            #expect(closingResult.stdout.contains("── closed 1000"), "\(closingResult.stdout)")
            #expect(closingResult.stdout.contains("Close"), "the explanation says Close() ended it: \(closingResult.stdout)")
            #expect(!closingResult.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
            #expect((try await cli.run("sessions")).stdout.contains("No open sessions."))
        }
    }

    @Test("the human transcript names speakers per turn and marks tool calls")
    func transcriptWithToolCall() async throws {
        try await CLIHarness.with { cli in
            let tools = cli.bus.directory.appendingPathComponent("tools.json")
            try #"[{"name": "get_weather", "description": "The weather in a city"}]"#.write(
                to: tools, atomically: true, encoding: .utf8)
            let started = try await cli.run("start", "--tools", tools.path, "--json")
            #expect(started.status == 0, "\(started.stderr)")
            let path = try #require(jsonLines(started.stdout).first?["session"] as? String)
            let watcher = try await cli.watch("--session", path)
            // The turn waits for the tool's answer, so say must not wait for its end.
            _ = try await cli.run("say", "--no-wait", "--session", path, #"call get_weather {"city": "Paris"}"#)
            // The model waits for the tool's answer, so the turn stays open: stop the watcher once it showed the call.
            let shown = await eventually { watcher.stdout.contains("Paris") }
            let result = await watcher.stop()
            #expect(shown, "\(result.stdout)")
            #expect(result.stdout.contains("⚙ tool call get_weather("), "\(result.stdout)")
            #expect(result.stdout.contains("Paris"), "\(result.stdout)")
            _ = try await cli.run("close", "--session", path)
        }
    }

    @Test("failures exit 1 with the D-Bus error name on stderr; usage errors exit 2")
    func failures() async throws {
        try await CLIHarness.with { cli in
            let noSession = try await cli.run("say", "hi")
            #expect(noSession.status == 1)
            #expect(noSession.stderr.contains("No session is open"))

            let unknown = try await cli.run("say", "--session", "/io/github/geminilive/Gateway1/session/404", "hi")
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("org.freedesktop.DBus.Error.UnknownObject"), "\(unknown.stderr)")

            let retired = try await cli.run("start", "--model", "gemini-2.0-flash-live-001")
            #expect(retired.status == 1)
            #expect(retired.stderr.contains("io.github.geminilive.Gateway1.Error.InvalidConfig"), "\(retired.stderr)")
            #expect(retired.stdout.isEmpty)

            let usage = try await cli.run("start", "--no-such-flag")
            #expect(usage.status == 2)
            #expect(usage.stderr.contains("--no-such-flag"))
            #expect((try await cli.run("watch", "--turns", "0")).status == 2)

            let help = try await cli.run("start", "--help")
            #expect(help.status == 0)
            #expect(help.stdout.contains("detached"))

            let noTools = try await cli.run("start", "--tools", "/nonexistent/tools.json")
            #expect(noTools.status == 1)
            #expect(noTools.stderr.contains("tools file"))

            let noBus = try await cli.run("sessions", extraEnvironment: ["DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus"])
            #expect(noBus.status == 1)
            #expect(noBus.stderr.contains("org.freedesktop.DBus.Error."), "\(noBus.stderr)")
        }
    }

    @Test("apps, route and unroute against a gateway without audio fail with AudioUnavailable and say how to fix it")
    func routingWithoutAudio() async throws {
        try await CLIHarness.with { cli in
            let started = try await cli.run("start")
            let path = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            for arguments in [["apps"], ["route", "--session", path, "firefox"], ["unroute", "--session", path, "firefox"]] {
                let result = try await ClientTool.run(
                    [CLIHarness.executable] + arguments, bus: cli.bus, environment: cli.environment)
                #expect(result.status == 1, "\(arguments)")
                #expect(result.stderr.contains("io.github.geminilive.Gateway1.Error.AudioUnavailable"), "\(result.stderr)")
                #expect(result.stderr.contains("without audio"), "\(result.stderr)")
            }
            _ = try await cli.run("close", "--session", path)
        }
    }

    @Test("doctor shows the gateway's CheckService: the endpoint, the key and the model over the simulator's metadata endpoint")
    func doctor() async throws {
        try await CLIHarness.with { cli in
            let result = try await cli.run("doctor", "--json")
            let checks = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            func status(_ name: String) -> String? { checks.first { $0["name"] as? String == name }?["status"] as? String }
            #expect(status("session bus") == "ok")
            #expect(status("gateway") == "ok")
            #expect(status("endpoint") == "ok")
            #expect(status("API key") == "ok", "the simulator needs no key")
            #expect(status("model") == "ok", "\(result.stdout)")
            #expect(["ok", "failed"].contains(status("PipeWire")))

            let retired = try await cli.run("doctor", "--json", "--model", "gemini-2.0-flash-live-001")
            #expect(retired.status == 1)
            let retiredChecks = try #require(
                try JSONSerialization.jsonObject(with: Data(retired.stdout.utf8)) as? [[String: Any]])
            let model = try #require(retiredChecks.first { $0["name"] as? String == "model" })
            #expect(model["status"] as? String == "failed")
            #expect((model["detail"] as? String)?.contains("404") == true)
            #expect((model["fix"] as? String)?.contains("gemini-3.8-live") == true)

            // The key check is the gateway's (CheckService): the CLI reads no key file and takes no key option.
            let key = try #require(checks.first { $0["name"] as? String == "API key" })
            #expect((key["detail"] as? String)?.contains("needs no key") == true, "\(key)")
            let keyFile = try await cli.run("doctor", "--key-file", "/nonexistent")
            #expect(keyFile.status != 0 && keyFile.stderr.contains("--key-file"), "no --key-file option: \(keyFile.stderr)")
        }
    }
}
