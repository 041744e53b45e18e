import Foundation
import LiveClient
import LiveProtocol
import LiveSimulator
import Testing

/// What our client puts on the wire, as the simulator recorded it: every kind of client message,
/// canonical, in text frames. With `GEMINI_LIVE_FRAMES_OUT` set, the frames are also written there
/// (one JSON object per line) for the official SDK's schema to check.
@Suite("Frames our client sends")
struct ClientFrameTests {
    @Test("Every client message kind goes out as one canonical JSON object in a text frame")
    func everyMessageKind() async throws {
        let simulator = ClientFixtures.simulator()
        try await simulator.withRunning { address in
            var manual = SessionConfiguration(
                voice: "Kore", language: "en-US", systemInstruction: "You are a helpful assistant.",
                functions: [
                    FunctionDeclaration(
                        name: "get_weather", description: "weather",
                        parameters: ["type": "OBJECT", "properties": ["city": ["type": "STRING"]]])
                ], temperature: 0.7)
            manual.activityDetection = AutomaticActivityDetection(
                disabled: true, startOfSpeechSensitivity: .low, endOfSpeechSensitivity: .low, prefixPaddingMs: 20,
                silenceDurationMs: 100)
            manual.activityHandling = .startOfActivityInterrupts
            manual.turnCoverage = .onlyActivity
            manual.contextCompression = ContextWindowCompression(
                triggerTokens: 25_600, slidingWindow: SlidingWindow(targetTokens: 12_800))
            _ = try await LiveClient.withConnection(
                setup: ClientFixtures.setup(manual), configuration: ClientFixtures.client(address),
                logger: ClientFixtures.quiet
            ) { connection in
                var iterator = connection.events.makeAsyncIterator()
                try await connection.sendText(#"call get_weather {"city": "Paris"}"#)
                var turn = EventCollector()
                try await turn.read(&iterator) { $0.toolCall != nil }
                let call = try #require(turn.messages.last?.toolCall?.functionCalls.first)
                try await connection.send(
                    .toolResponse(
                        ToolResponse(functionResponses: [
                            FunctionResponse(id: call.id, name: call.name, response: ["temp": 20])
                        ])))
                try await turn.read(&iterator) { $0.isTurnComplete }
                try await connection.send(.realtimeInput(RealtimeInput(text: "hello")))
                try await turn.read(&iterator) { $0.isTurnComplete }
                try await connection.send(.realtimeInput(RealtimeInput(activityStart: EmptyObject())))
                try await connection.sendAudio(PCM16.bytes(PCM16.utterance(milliseconds: 300)))
                try await connection.send(.realtimeInput(RealtimeInput(activityEnd: EmptyObject())))
                try await turn.read(&iterator) { $0.isTurnComplete }
                await connection.close()
            }
            _ = try await LiveClient.withConnection(
                setup: ClientFixtures.setup(), configuration: ClientFixtures.client(address), logger: ClientFixtures.quiet
            ) { connection in
                try await connection.sendAudio(PCM16.bytes(PCM16.utterance(milliseconds: 200)))
                try await connection.send(.realtimeInput(RealtimeInput(audioStreamEnd: true)))
                try await connection.send(
                    .realtimeInput(RealtimeInput(video: Blob(mimeType: "image/jpeg", data: Data([0xFF, 0xD8, 0xFF])))))
                await connection.close()
            }

            let frames = simulator.recorder.connections.flatMap(\.frames).filter { $0.direction == .fromClient }
            var kinds = Set<String>()
            for frame in frames {
                #expect(frame.kind == .text, "client frames are text frames")
                let value = try JSONValue(parsing: frame.bytes)
                let top = try #require(value.objectValue)
                #expect(top.count == 1, "exactly one top-level key")
                if let key = top.keys.first { kinds.insert(key) }
                #expect(Self.snakeCaseKeys(in: value).isEmpty, "camelCase only: \(Self.snakeCaseKeys(in: value))")
                #expect(!frame.bytes.contains(UInt8(ascii: "\\")) || !(frame.text ?? "").contains("\\/"))
                let message = try ClientMessage.decode(frame.bytes)
                if case .realtimeInput(let input) = message, let blob = input.audio ?? input.video {
                    let raw = try #require(value["realtimeInput"]?[input.audio != nil ? "audio" : "video"]?["data"]?.stringValue)
                    #expect(!raw.contains("-") && !raw.contains("_"), "standard base64")
                    #expect(Base64.decode(raw) == blob.data)
                }
            }
            #expect(kinds == ["setup", "clientContent", "realtimeInput", "toolResponse"])
            if let path = ProcessInfo.processInfo.environment["GEMINI_LIVE_FRAMES_OUT"], !path.isEmpty {
                var lines = Data()
                for frame in frames {
                    lines.append(frame.bytes)
                    lines.append(UInt8(ascii: "\n"))
                }
                try lines.write(to: URL(fileURLWithPath: path))
            }
        }
    }

    /// Keys with an underscore outside caller-owned JSON.
    static func snakeCaseKeys(in value: JSONValue, opaque: Bool = false) -> [String] {
        switch value {
        case .object(let members):
            return members.flatMap { key, member -> [String] in
                let own = !opaque && key.contains("_") ? [key] : []
                let inner = opaque || ["args", "response", "parameters", "parametersJsonSchema"].contains(key)
                return own + snakeCaseKeys(in: member, opaque: inner)
            }
        case .array(let items):
            return items.flatMap { snakeCaseKeys(in: $0, opaque: opaque) }
        default:
            return []
        }
    }
}
