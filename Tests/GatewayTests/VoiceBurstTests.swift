import BusTestSupport
import Foundation
import LiveSimulator
import Testing

extension AudioSessionTests {
    @Test("a 60 s reply sent at 10x real time plays out whole: the full voice ring stops the reading, nothing is dropped")
    func longBurstPlaysWhole() async throws {
        try await Self.withAudioGateway(pacing: VoicePacing(speedFactor: 10)) { desktop, gateway in
            let (path, _, voice) = try await Self.startSession(gateway, desktop).parts
            let recording = desktop.scratch.appendingPathComponent("burst.wav").path
            let recorder = try await Self.record(voice, in: desktop, to: recording)
            defer { Tool.stop(recorder) }
            // The simulator reads "You said: …" with its synthesized voice, about 0.45 s a word.
            let words = (0..<135).map { ["alpha", "bravo", "delta", "kilo", "lima", "oscar", "tango"][$0 % 7] }
            try await gateway.call(path, G.sessionInterface, "SendText", "s", words.joined(separator: " "))
            let turned = await eventually(timeout: .seconds(100)) {
                (try? await gateway.property(path, G.sessionInterface, "Turn").data).flatMap(number) == 1
            }
            #expect(turned, "\(gateway.logs.text)")
            let received = try await Self.double(gateway, path, "AudioReceivedSeconds")
            let playedOut = try await eventually(timeout: .seconds(10)) {
                try await Self.double(gateway, path, "AudioPlayedSeconds") >= received - 0.001
            }
            let played = try await Self.double(gateway, path, "AudioPlayedSeconds")
            print("burst: received \(received) s at 10x, played \(played) s")
            #expect(received >= 55, "the reply is a long burst: \(received) s")
            // The voice ring holds about 5 s; without backpressure the rest would have been dropped.
            #expect(playedOut, "played \(played) s of \(received) s")
            #expect(abs(played - received) * 24_000 < 1, "played \(played) s, received \(received) s")
            try await gateway.call(path, G.sessionInterface, "Close")
        }
    }
}
