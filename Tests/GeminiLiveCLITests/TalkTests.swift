import BusTestSupport
import Foundation
import Testing

@Suite("gemini-live talk, say, mute as a user types them", .serialized)
struct TalkTests {
    /// The shell command line running the built CLI on the harness's bus inside tmux.
    static func commandLine(_ cli: CLIHarness, _ arguments: String) -> String {
        "env DBUS_SESSION_BUS_ADDRESS='\(cli.bus.address)' NO_COLOR=1 TERM=xterm-256color '\(CLIHarness.executable)' \(arguments)"
    }

    /// A default microphone ("test-mic", fed through "test-mic-in") and default speakers on the desktop.
    static func microphoneAndSpeakers(_ desktop: TestDesktop) async throws -> Process {
        let microphone = try desktop.start("/usr/bin/pw-loopback", [
            "--capture-props", "media.class=Audio/Sink node.name=test-mic-in audio.position=[MONO]",
            "--playback-props", "media.class=Audio/Source node.name=test-mic audio.position=[MONO] priority.session=2000",
        ])
        try await desktop.waitForPort("test-mic:capture_MONO", inputs: false)
        try await desktop.addDefaultSpeaker()
        return microphone
    }

    /// Speech (espeak-ng) as a WAV to play into the microphone.
    static func speech(_ text: String, _ desktop: TestDesktop) throws -> String {
        let wav = desktop.scratch.appendingPathComponent("speech-\(UUID().uuidString.prefix(6)).wav").path
        try desktop.run("/usr/bin/espeak-ng", ["-w", wav, text])
        return wav
    }

    /// The gateway's nodes in the graph (pw-dump).
    static func gatewayNodes(_ desktop: TestDesktop) throws -> [String] {
        try desktop.nodes().keys.filter { $0.hasPrefix("gemini-live-") }.sorted()
    }

    @Test("say prints the reply and ends with its turn; --json; --no-wait; NotFound after close says why")
    func say() async throws {
        try await CLIHarness.with { cli in
            let started = try await cli.run("start", "--json")
            #expect(started.status == 0, "\(started.stderr)")
            let path = try #require(jsonLines(started.stdout).first?["session"] as? String)

            let said = try await cli.run("say", "Hello", "there")
            #expect(said.status == 0, "\(said.stderr)")
            #expect(said.stdout.contains("You said: Hello there (turn 1)"), "\(said.stdout)")
            let json = try await cli.run("say", "--json", "Again")
            #expect(json.status == 0, "\(json.stderr)")
            let object = try #require(jsonLines(json.stdout).first, "\(json.stdout)")
            #expect(object["turn"] as? Int == 1)
            #expect((object["reply"] as? String)?.contains("You said: Again") == true, "\(object)")
            #expect(object["reason"] != nil)
            let quick = try await cli.run("say", "--no-wait", "Quick")
            #expect(quick.status == 0 && quick.stdout.isEmpty, "\(quick.stdout)")

            let muted = try await cli.run("mute")
            #expect(muted.status == 0, "\(muted.stderr)")
            #expect(try await cli.bus.busctl("get-property", "io.github.geminilive.Gateway1", path,
                                              "io.github.geminilive.Gateway1.Session", "Muted").stdout.contains("true"))
            let unmuted = try await cli.run("unmute")
            #expect(unmuted.status == 0, "\(unmuted.stderr)")
            #expect(try await cli.bus.busctl("get-property", "io.github.geminilive.Gateway1", path,
                                              "io.github.geminilive.Gateway1.Session", "Muted").stdout.contains("false"))

            #expect(try await cli.run("close").status == 0)
            let late = try await cli.run("say", "--session", path, "too late")
            #expect(late.status == 1)
            #expect(late.stderr.contains("io.github.geminilive.Gateway1.Error.NotFound"), "\(late.stderr)")
            #expect(late.stderr.contains("was closed at"), "\(late.stderr)")
            #expect(late.stderr.contains("with Close()"), "\(late.stderr)")
        }
    }

    @Test("talk on the default microphone: both sides' transcript, the status line with the reply latency, C-c closes and removes the nodes")
    func talk() async throws {
        try await TestDesktop.run { desktop in
            let microphone = try await Self.microphoneAndSpeakers(desktop)
            defer { Tool.stop(microphone) }
            try await CLIHarness.with(desktop: desktop) { cli in
                let terminal = try Tmux.start(Self.commandLine(cli, "talk"), directory: desktop.scratch, environment: desktop.environment)
                defer { terminal.kill() }
                try await waitUntil("talk started", seconds: 20) { terminal.screen().contains("talking with") }
                try await waitUntil("the session's input linked to the default microphone") {
                    try desktop.linkTargets(of: "test-mic").contains { $0.hasPrefix("gemini-live-") }
                }
                #expect(terminal.screen().contains("[idle]") || terminal.screen().contains("[listening]"), "\(terminal.screen())")
                let player = try desktop.start("/usr/bin/pw-cat", [
                    "--playback", "--target", "test-mic-in", try Self.speech("Hello Gemini, how is the weather today?", desktop),
                ])
                player.waitUntilExit()
                try await waitUntil("both sides in the transcript", seconds: 30) {
                    let screen = terminal.screen()
                    return screen.contains("you [0] (speech") && screen.contains("gemini [0] You spoke for")
                }
                // The echo voice plays on the default speakers; the status line then shows the measured reply latency.
                try await waitUntil("the reply latency on the status line", seconds: 30) {
                    terminal.screen().range(of: #"reply \d+ ms \(p50 \d+, p95 \d+, n 1\)"#, options: .regularExpression) != nil
                }
                let nodes = try Self.gatewayNodes(desktop)
                // The session's own three, besides the echo canceller's (the default microphone hears the speakers).
                #expect(nodes.filter { !$0.hasPrefix("gemini-live-echo-") }.count == 3, "input, voice and speaker: \(nodes)")
                try terminal.send("C-c")
                try await waitUntil("talk ended", seconds: 20) { terminal.exited() }
                let screen = terminal.screen()
                #expect(screen.contains("── session closed"), "\(screen)")
                #expect(!screen.contains("gemini-live: "), "no error: \(screen)")
                let sessions = try await cli.run("sessions", "--json")
                #expect(sessions.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]" || !sessions.stdout.contains("/session/"),
                        "\(sessions.stdout)")
                try await waitUntil("the nodes left the graph") { try Self.gatewayNodes(desktop).isEmpty }
            }
        }
    }

    @Test("talk --push-to-talk: Space opens the turn, Space sends it, the model answers; what the muted microphone heard is counted")
    func pushToTalk() async throws {
        try await TestDesktop.run { desktop in
            let microphone = try await Self.microphoneAndSpeakers(desktop)
            defer { Tool.stop(microphone) }
            try await CLIHarness.with(desktop: desktop) { cli in
                let terminal = try Tmux.start(
                    Self.commandLine(cli, "talk --push-to-talk"), directory: desktop.scratch, environment: desktop.environment)
                defer { terminal.kill() }
                try await waitUntil("talk started", seconds: 20) { terminal.screen().contains("Space talks") }
                try await waitUntil("the session's input linked to the default microphone") {
                    try desktop.linkTargets(of: "test-mic").contains { $0.hasPrefix("gemini-live-") }
                }
                // Speech while the turn is closed reaches nobody: the session is muted.
                let early = try desktop.start("/usr/bin/pw-cat", [
                    "--playback", "--target", "test-mic-in", try Self.speech("Nobody should hear this.", desktop),
                ])
                early.waitUntilExit()
                try await Task.sleep(for: .milliseconds(500))
                #expect(!terminal.screen().contains("you [0]"), "\(terminal.screen())")
                let listed = try await cli.bus.busctl(
                    "call", "io.github.geminilive.Gateway1", "/io/github/geminilive/Gateway1", "io.github.geminilive.Gateway1", "ListSessions")
                let path = try #require(
                    listed.stdout.range(of: #"/io/github/geminilive/Gateway1/session/[0-9]+"#, options: .regularExpression)
                        .map { String(listed.stdout[$0]) }, "\(listed.stdout)")
                func seconds(_ property: String) async throws -> Double {
                    let reply = try await cli.bus.busctl(
                        "get-property", "io.github.geminilive.Gateway1", path, "io.github.geminilive.Gateway1.Session", property)
                    return Double(reply.stdout.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
                }
                let mutedSeconds = try await seconds("AudioMutedSeconds")
                #expect(mutedSeconds > 1, "the microphone drained while muted and it was counted: \(mutedSeconds)")
                #expect(try await seconds("AudioSentSeconds") == 0, "nothing was sent before Space")

                try terminal.send("Space")
                try await waitUntil("talking", seconds: 10) { terminal.screen().contains("talking: Space sends") }
                let player = try desktop.start("/usr/bin/pw-cat", [
                    "--playback", "--target", "test-mic-in", try Self.speech("This turn is sent when I press space.", desktop),
                ])
                player.waitUntilExit()
                try terminal.send("Space")
                try await waitUntil("the answer to the push-to-talk turn", seconds: 30) {
                    let screen = terminal.screen()
                    return screen.contains("you [0] (speech") && screen.contains("gemini [0] You spoke for")
                }
                try terminal.send("C-c")
                try await waitUntil("talk ended", seconds: 20) { terminal.exited() }
                #expect(terminal.screen().contains("── session closed"), "\(terminal.screen())")
                try await waitUntil("the nodes left the graph") { try Self.gatewayNodes(desktop).isEmpty }
            }
        }
    }
}
