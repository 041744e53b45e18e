import Foundation
import LiveProtocol
@testable import LiveSimulator
import Testing

/// The simulator sees: pictures decoded and described, refusals and the audio+video limit closed
/// the way the service closes them.
@Suite("The simulator sees realtimeInput.video")
struct VisionTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/video")

    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: fixtures.appendingPathComponent(name))
    }

    @Test("PNG fixtures: RGB with every row filter, an 8-bit palette, 16-bit gray with alpha")
    func decodesPNG() throws {
        let blue = try Vision.decode(try Self.fixture("blue-320x240.png"), mimeType: "image/png")
        #expect(blue.sentence == "I see a 320x240 image, mostly blue.")
        let palette = try Vision.decode(try Self.fixture("palette-64x48.png"), mimeType: "image/png")
        #expect(palette.sentence == "I see a 64x48 image, mostly black and yellow.")
        let gray = try Vision.decode(try Self.fixture("gray-alpha-30x20.png"), mimeType: "image/png")
        #expect(gray.sentence == "I see a 30x20 image, mostly white.")
    }

    @Test("a reply after a picture starts with what it shows; none before")
    func prefixes() throws {
        var vision = Vision()
        #expect(vision.prefixing("You said: hi") == "You said: hi")
        try vision.see(Blob(mimeType: "image/png", data: try Self.fixture("blue-320x240.png")))
        #expect(vision.prefixing("You said: hi") == "I see a 320x240 image, mostly blue. You said: hi")
        #expect(vision.framesSeen == 1)
    }

    @Test("other types, damaged pictures and oversized ones are refused")
    func refusals() throws {
        var vision = Vision()
        #expect(throws: Vision.Refusal.self) { try vision.see(Blob(mimeType: "image/gif", data: Data("GIF89a".utf8))) }
        #expect(throws: Vision.Refusal.self) { try vision.see(Blob(mimeType: "image/jpeg", data: Data([0xFF, 0xD8, 0xFF, 0]))) }
        let truncated = try Self.fixture("blue-320x240.png").prefix(100)
        #expect(throws: Vision.Refusal.self) { try vision.see(Blob(mimeType: "image/png", data: Data(truncated))) }
        #expect(throws: Vision.Refusal.self) {
            try vision.see(Blob(mimeType: "image/png", data: Data(count: Vision.maxBytes + 1)))
        }
        #expect(vision.framesSeen == 0)
    }

    @Test("video without context compression is closed 1011 once the audio+video limit passed")
    func sessionLimit() async throws {
        let simulator = Fixtures.simulator(SimulatorConfiguration(pacing: .immediate, videoSessionLimit: .milliseconds(300)))
        let frame = try Self.fixture("blue-320x240.png").base64EncodedString()
        let video = #"{"realtimeInput": {"video": {"mimeType": "image/png", "data": "\#(frame)"}}}"#
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup()
                try await probe.wait(count: 1) { $0.setupComplete != nil }
                try await probe.send(video)
                // Well past the limit: decoding the first picture may take a few hundred ms in a
                // debug build on a loaded machine, and the limit runs from its arrival.
                try await Task.sleep(for: .seconds(1))
                try await probe.send(video)
                try? await probe.waitForEnd(timeout: .seconds(3))
            }
        }
        let recorded = simulator.recorder.connection(1)
        #expect(recorded?.clientMessages.count == 3, "\(recorded?.clientMessages.map(\.key) ?? [])")
        #expect(result.closeCode == 1011)
        #expect(result.closeReason == "Deadline expired before operation could complete.")
    }

    @Test("with context compression the limit does not apply, and a text turn says what the model saw")
    func compressedSessionSees() async throws {
        let simulator = Fixtures.simulator(SimulatorConfiguration(pacing: .immediate, videoSessionLimit: .milliseconds(100)))
        let frame = try Self.fixture("blue-320x240.png").base64EncodedString()
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup(
                    #""contextWindowCompression": {"slidingWindow": {}}, "outputAudioTranscription": {}"#)
                try await probe.wait(count: 1) { $0.setupComplete != nil }
                try await probe.send(#"{"realtimeInput": {"video": {"mimeType": "image/png", "data": "\#(frame)"}}}"#)
                try await Task.sleep(for: .milliseconds(200))
                try await probe.sendText("What is this?")
                try await probe.wait(count: 1) { $0.isTurnComplete }
            }
        }
        #expect(result.messages.transcript.contains("I see a 320x240 image, mostly blue. You said: What is this?"), "\(result.messages.transcript)")
    }
}
