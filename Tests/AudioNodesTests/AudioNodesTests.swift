import AudioNodes
import BusTestSupport
import Foundation
import Logging
import Testing

/// The nodes against a real PipeWire + WirePlumber (a private test desktop per test).
@Suite("AudioNodes with PipeWire", .serialized, .timeLimit(.minutes(1)))
struct AudioNodesTests {
    /// 24 kHz frames per graph quantum (256 frames at 48 kHz).
    static let outputQuantum = TestDesktop.quantum / 2
    /// 16 kHz frames per graph quantum.
    static let inputQuantum = TestDesktop.quantum / 3 + 1

    static func loop(_ desktop: TestDesktop) throws -> PipeWireLoop {
        try PipeWireLoop(configuration: .init(remote: desktop.socket))
    }

    @Test("both nodes appear with their properties and ports, and vanish on close")
    func nodesAppearAndVanish() async throws {
        try await TestDesktop.run { desktop in
            let pipeWire = try Self.loop(desktop)
            defer { pipeWire.close() }
            #expect(pipeWire.connectionState == .connected)
            let audio = try SessionAudio(session: "3", pipeWire: pipeWire)
            try await desktop.waitForPort("gemini-live-3-input:playback_MONO", inputs: true)
            try await desktop.waitForPort("gemini-live-3-voice:capture_MONO", inputs: false)
            let nodes = try desktop.nodes()
            let input = try #require(nodes["gemini-live-3-input"])
            let voice = try #require(nodes["gemini-live-3-voice"])
            #expect(input["media.class"] as? String == "Audio/Sink")
            #expect(voice["media.class"] as? String == "Audio/Source")
            #expect(input["node.description"] as? String == "Gemini Live input (session 3)")
            #expect(voice["node.description"] as? String == "Gemini Live voice (session 3)")
            for props in [input, voice] {
                #expect(props["node.virtual"] as? Bool == true || props["node.virtual"] as? String == "true")
                #expect("\(props["priority.session"] ?? "")" == "0")
                #expect(props["media.role"] != nil)
            }
            #expect(audio.input?.nodeID != nil)
            audio.close()
            try await waitUntil("the nodes to leave the graph") {
                let names = try desktop.nodes().keys
                return !names.contains("gemini-live-3-input") && !names.contains("gemini-live-3-voice")
            }
        }
    }

    @Test("ten sessions at once get ten distinct pairs")
    func tenSessions() async throws {
        try await TestDesktop.run { desktop in
            let pipeWire = try Self.loop(desktop)
            defer { pipeWire.close() }
            let sessions = try (1...10).map { try SessionAudio(session: "s\($0)", pipeWire: pipeWire) }
            let expected = Set((1...10).flatMap { ["gemini-live-s\($0)-input", "gemini-live-s\($0)-voice"] })
            try await waitUntil("twenty nodes") { expected.isSubset(of: try desktop.nodes().keys) }
            let ids = Set(sessions.flatMap { [$0.input?.nodeID, $0.output.nodeID] }.compactMap { $0 })
            #expect(ids.count == 20)
            sessions.forEach { $0.close() }
            try await waitUntil("all nodes gone") { expected.isDisjoint(with: try desktop.nodes().keys) }
        }
    }

    @Test("speech played into the sink arrives as 16 kHz chunks, then a quiet report")
    func capture() async throws {
        try await TestDesktop.run { desktop in
            let wav = desktop.scratch.appendingPathComponent("speech.wav").path
            let reference = desktop.scratch.appendingPathComponent("speech16k.raw").path
            try desktop.run("/usr/bin/espeak-ng", ["-w", wav, "Gemini Live listens to every app on this desktop."])
            try desktop.run("/usr/bin/sox", [wav, "-r", "16000", "-t", "raw", "-e", "signed", "-b", "16", reference])
            let expected = try readRawSamples(URL(fileURLWithPath: reference))

            let pipeWire = try Self.loop(desktop)
            defer { pipeWire.close() }
            var configuration = SessionAudio.Configuration()
            configuration.input.quietAfter = .milliseconds(400)
            let audio = try SessionAudio(session: "cap", pipeWire: pipeWire, configuration: configuration)
            defer { audio.close() }
            let input = try #require(audio.input)
            try await desktop.waitForPort("gemini-live-cap-input:playback_MONO", inputs: true)
            let player = try desktop.start("/usr/bin/pw-cat", ["--playback", "--target", input.name, wav])

            var captured: [Int16] = []
            var chunkSizes: [Int] = []
            for await event in input.events {
                guard case .audio(let chunk) = event else { break }
                captured += chunk.samples
                chunkSizes.append(chunk.sampleCount)
            }
            Tool.stop(player)
            #expect(chunkSizes.dropLast().allSatisfy { $0 == 1600 }, "100 ms chunks: \(chunkSizes)")
            let heard = try #require(soundRange(captured))
            let spoken = try #require(soundRange(expected))
            print("capture: \(captured.count) frames captured, sound \(heard.count) vs \(spoken.count) in the WAV; largest callback \(input.largestCallback)")
            #expect(abs(heard.count - spoken.count) <= 2 * Self.inputQuantum)
            #expect(input.framesCaptured >= heard.count)
            let correlation = peakCorrelation(expected, captured, maxLag: 32)
            print("capture: correlation \(correlation)")
            #expect(correlation > 0.9)
        }
    }
}
