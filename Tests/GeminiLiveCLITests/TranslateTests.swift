import BusTestSupport
import Foundation
import Testing

extension TalkTests {
    @Test("translate --to de: the translation model on the default microphone, the translated transcript, C-c closes; a bad tag is refused")
    func translate() async throws {
        try await TestDesktop.run { desktop in
            let microphone = try await Self.microphoneAndSpeakers(desktop)
            defer { Tool.stop(microphone) }
            try await CLIHarness.with(desktop: desktop) { cli in
                let refused = try await cli.run("translate", "--to", "German!")
                #expect(refused.status != 0)
                #expect(refused.stderr.contains("BCP-47"), "\(refused.stderr)")

                let terminal = try Tmux.start(
                    Self.commandLine(cli, "translate --to de"), directory: desktop.scratch, environment: desktop.environment)
                defer { terminal.kill() }
                try await waitUntil("translate started", seconds: 20) {
                    terminal.screen().contains("translating into de with gemini-3.5-live-translate-preview")
                }
                try await waitUntil("the session's input linked to the default microphone") {
                    try desktop.linkTargets(of: "test-mic").contains { $0.hasPrefix("gemini-live-") }
                }
                let player = try desktop.start("/usr/bin/pw-cat", [
                    "--playback", "--target", "test-mic-in", try Self.speech("Where is the railway station?", desktop),
                ])
                player.waitUntilExit()
                // The simulator's translation: the speaker's own voice, a transcript naming the target.
                try await waitUntil("the translation in the transcript", seconds: 30) {
                    terminal.screen().contains("[de] translation of")
                }
                try terminal.send("C-c")
                try await waitUntil("translate ended", seconds: 20) { terminal.exited() }
                #expect(terminal.screen().contains("── session closed"), "\(terminal.screen())")
                try await waitUntil("the nodes left the graph") { try Self.gatewayNodes(desktop).isEmpty }
            }
        }
    }
}
