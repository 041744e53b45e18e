import AudioNodes
import BusTestSupport
import Foundation
import Gateway
import LiveSimulator
import Testing

/// Echo cancellation end to end in the virtual room of scripts/echo-room.sh: the session captures
/// the room's microphone and plays its voice on the room's speakers, whose sound reaches the
/// microphone 40 ms later at half amplitude. The simulator's echo voice repeats what it hears, so
/// a voice that comes back through the room is answered again, with nobody speaking.
///
/// The room runs the 10 ms quantum the canceller asks for (480 frames), as a desktop does while
/// it is loaded. The room's own process can miss graph cycles on a loaded machine (its
/// microphone then delivers fewer samples than its speakers play); the canceller's skew after
/// such a miss is bounded to one block (``EchoCanceller``'s `buffer.max_size`), so the loop stays
/// broken but the model may hear one syllable of itself: at most one reply more, where the
/// uncancelled room answers itself for as long as the test listens.
@Suite("Echo cancellation in a virtual room", .serialized, .timeLimit(.minutes(3)))
struct EchoRoomTests {
    typealias G = GatewayHarness

    static func withRoom<T: Sendable>(_ body: (TestDesktop, GatewayHarness) async throws -> T) async throws -> T {
        try await TestDesktop.run(quantum: 480) { desktop in
            let room = desktop.scratch.appendingPathComponent("room").path
            try desktop.run(TestDesktop.root.path + "/scripts/echo-room.sh", ["up", room])
            defer { _ = try? desktop.run(TestDesktop.root.path + "/scripts/echo-room.sh", ["down", room]) }
            try await waitUntil("WirePlumber to make the room's speakers and microphone the defaults") {
                let defaults = try desktop.run("/usr/bin/pw-metadata", ["0"])
                return defaults.contains("\"echo-room-speakers\"") && defaults.contains("\"echo-room-microphone\"")
            }
            let socket = desktop.socket
            return try await G.with(simulator: SimulatorConfiguration(voice: .echo, pacing: VoicePacing()), configure: {
                $0.audio = AudioConfiguration(pipeWire: .init(remote: socket))
            }) { gateway in
                try await body(desktop, gateway)
            }
        }
    }

    /// A session on the room's microphone with its voice on the room's speakers.
    static func start(_ gateway: GatewayHarness, echoCancel: String) async throws -> String {
        let path = try await gateway.startSession([
            "4", "audio_input", "s", "echo-room-microphone", "play_voice", "b", "true", "detached", "b", "true",
            "echo_cancel", "s", echoCancel,
        ])
        let active = try await eventually { try await gateway.sessionString(path, "AudioState") == "active" }
        try #require(active, "AudioState never became active: \(gateway.logs.text)")
        return path
    }

    static func turn(_ gateway: GatewayHarness, _ path: String) async throws -> Int {
        number(try await gateway.property(path, G.sessionInterface, "Turn").data).map { Int($0) } ?? -1
    }

    /// Says one sentence into the room, then waits `seconds` with nobody speaking; returns the
    /// turns and the Interrupted signals.
    static func converse(_ desktop: TestDesktop, _ gateway: GatewayHarness, _ path: String,
                         seconds: Int) async throws -> (turns: Int, interrupted: Int) {
        let (wav, _) = try AudioSessionTests.speech(
            "Hello, can you tell me what the weather will be like tomorrow?", in: desktop, name: "near")
        let monitor = try await gateway.monitorSignals()
        try desktop.run("/usr/bin/pw-cat", ["--playback", "--target", "echo-room-near", wav])
        try await Task.sleep(for: .seconds(seconds))
        let log = MonitorLog(await monitor.stop().stdout)
        return (try await turn(gateway, path), log.signals(G.sessionInterface, "Interrupted", path: path).count)
    }

    @Test("auto on the room's microphone and speakers: the canceller's nodes join the graph; the model does not answer itself")
    func cancelled() async throws {
        try await Self.withRoom { desktop, gateway in
            let path = try await Self.start(gateway, echoCancel: "auto")
            let reason = try #require(try await gateway.sessionString(path, "EchoCancelReason"))
            #expect(try await gateway.sessionString(path, "EchoCancel") == "on", "\(reason)")
            #expect(reason.contains("Echo room microphone") && reason.contains("Echo room speakers"), "\(reason)")
            let nodes = try desktop.nodes()
            let source = try #require(nodes.first { $0.key.hasPrefix("gemini-live-echo-") && $0.key.hasSuffix("-source") })
            #expect(source.value["node.description"] as? String == "Gemini Live microphone (echo cancelled)")
            #expect("\(source.value["priority.session"] ?? "")" == "0")
            #expect(try desktop.linkTargets(of: source.key).contains { $0.hasPrefix("gemini-live-") && $0.contains("-input:") },
                    "the session captures the cancelled source")

            let (turns, interrupted) = try await Self.converse(desktop, gateway, path, seconds: 12)
            let guarded = try await AudioSessionTests.double(gateway, path, "EchoGuardSeconds")
            print("echo room, cancelled: \(turns) turn(s), \(interrupted) Interrupted, guard \(guarded) s")
            #expect((1...2).contains(turns), "one reply to one sentence: \(gateway.logs.text.suffix(2000))")
            #expect(interrupted <= 1)

            try await gateway.call(path, G.sessionInterface, "Close")
            try await waitUntil("the canceller's nodes to leave with the last session") {
                !(try desktop.nodes().keys.contains { $0.hasPrefix("gemini-live-echo-") })
            }
        }
    }

    @Test("off: the model's voice comes back through the room and is answered again, with nobody speaking")
    func uncancelled() async throws {
        try await Self.withRoom { desktop, gateway in
            let path = try await Self.start(gateway, echoCancel: "off")
            #expect(try await gateway.sessionString(path, "EchoCancel") == "off")
            #expect(try await gateway.sessionString(path, "EchoCancelReason") == "turned off (echo_cancel = off)")
            #expect(!(try desktop.nodes().keys.contains { $0.hasPrefix("gemini-live-echo-") }))
            let (turns, interrupted) = try await Self.converse(desktop, gateway, path, seconds: 12)
            print("echo room, not cancelled: \(turns) turn(s), \(interrupted) Interrupted")
            #expect(turns >= 3, "the echo loop: \(turns) turns")
            try await gateway.call(path, G.sessionInterface, "Close")
        }
    }

    @Test("the session's own virtual sink needs no canceller; InputLevel and OutputLevel read as dBFS")
    func virtualSinkAndLevels() async throws {
        try await Self.withRoom { desktop, gateway in
            let path = try await gateway.startSession(["1", "detached", "b", "true"])
            _ = try await eventually { try await gateway.sessionString(path, "AudioState") == "active" }
            #expect(try await gateway.sessionString(path, "EchoCancel") == "off")
            #expect(try await gateway.sessionString(path, "EchoCancelReason")?.contains("own virtual sink") == true)
            let input = try #require(try await gateway.sessionString(path, "InputNode"))
            let tone = try desktop.tone(seconds: 3)
            let player = try desktop.start("/usr/bin/pw-cat", ["--playback", "--target", input, tone])
            defer { Tool.stop(player) }
            // The tone is a half-scale sine: its peak reads about -6 dBFS once it plays.
            let loud = try await eventually(timeout: .seconds(10)) {
                try await AudioSessionTests.double(gateway, path, "InputLevel") > -12
            }
            let level = try await AudioSessionTests.double(gateway, path, "InputLevel")
            #expect(loud, "InputLevel \(level)")
            #expect(level <= 0)
            Tool.stop(player)
            let quiet = try await eventually(timeout: .seconds(10)) {
                try await AudioSessionTests.double(gateway, path, "InputLevel") == silenceDBFS
            }
            #expect(quiet)
            try await gateway.call(path, G.sessionInterface, "Close")
        }
    }
}
