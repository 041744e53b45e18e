import BusTestSupport
import Foundation
import Gateway
import LiveProtocol
import LiveSimulator
import Testing

/// The newest models' rules as the gateway applies them, against the simulator.
@Suite("Model rules on the gateway side")
struct ModelRulesTests {
    typealias G = GatewayHarness

    @Test("SendText on gemini-3.1-flash-live-preview goes out as realtimeInput.text, every turn answered")
    func textOnThreePointOne() async throws {
        try await G.with { gateway in
            let path = try await gateway.startSession([
                "3", "detached", "b", "true", "model", "s", "gemini-3.1-flash-live-preview", "output_transcription", "b", "true",
            ])
            for (index, text) in ["first question", "second question"].enumerated() {
                try await gateway.call(path, G.sessionInterface, "SendText", "s", text)
                let turned = await eventually {
                    (try? await gateway.property(path, G.sessionInterface, "Turn").data).flatMap(number) == UInt64(index + 1)
                }
                #expect(turned, "turn \(index) answered")
            }
            let sent = try #require(gateway.simulator.recorder.connection(1)).clientMessages
            let texts = sent.compactMap { message -> String? in
                if case .realtimeInput(let input) = message { return input.text }
                return nil
            }
            #expect(texts == ["first question", "second question"])
            #expect(!sent.contains { if case .clientContent = $0 { true } else { false } }, "no clientContent on 3.1")
            try await gateway.call(path, G.sessionInterface, "Close")
        }
    }

    @Test("SendText on gemini-3.8-live stays a clientContent turn")
    func textOnThreePointEight() async throws {
        try await G.with { gateway in
            let path = try await gateway.startSession(["2", "detached", "b", "true", "output_transcription", "b", "true"])
            try await gateway.call(path, G.sessionInterface, "SendText", "s", "hello")
            let turned = await eventually { (try? await gateway.property(path, G.sessionInterface, "Turn").data).flatMap(number) == 1 }
            #expect(turned)
            let sent = try #require(gateway.simulator.recorder.connection(1)).clientMessages
            #expect(sent.contains { if case .clientContent = $0 { true } else { false } })
            try await gateway.call(path, G.sessionInterface, "Close")
        }
    }
}
