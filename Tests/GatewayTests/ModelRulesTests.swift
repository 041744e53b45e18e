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

    @Test("extended thinking: filler and answer are two utterances of one turn; TurnComplete once, at IDLE")
    func extendedThinkingRequest() async throws {
        try await G.with { gateway in
            let monitor = try await gateway.monitorSignals()
            let path = try await gateway.startSession([
                "3", "detached", "b", "true", "model", "s", "gemini-3.8-live-extended-thinking", "output_transcription", "b", "true",
            ])
            try await gateway.call(path, G.sessionInterface, "SendText", "s", "Find me a flight to Lisbon")
            let done = await eventually { MonitorLog(monitor.stdout).signals(G.sessionInterface, "TurnComplete", path: path).count == 1 }
            #expect(done, "\(gateway.logs.text)")
            try await Task.sleep(for: .milliseconds(200))
            let log = MonitorLog(monitor.stdout)
            let utterances = log.signals(G.sessionInterface, "UtteranceComplete", path: path)
            #expect(utterances.map { $0.values("uint64") + $0.values("uint32") } == [["0", "0"], ["0", "1"]])
            #expect(utterances.map { $0.values("boolean") } == [["false"], ["true"]])
            #expect(log.signals(G.sessionInterface, "TurnComplete", path: path).count == 1)
            let turns = log.signals(G.sessionInterface, "OutputTranscription", path: path).compactMap { $0.values("uint64").first }
            #expect(!turns.isEmpty && turns.allSatisfy { $0 == "0" }, "every utterance of the request carries turn 0")
            #expect(try await gateway.property(path, G.sessionInterface, "Turn").data as? Double == 1)
            // The order: the first utterance's boundary, then the answer's words, then the end.
            let members = log.messages.filter { $0.path == path && $0.interface == G.sessionInterface }.map(\.member)
            let firstBoundary = try #require(members.firstIndex(of: "UtteranceComplete"))
            let turnEnd = try #require(members.firstIndex(of: "TurnComplete"))
            #expect(members[firstBoundary..<turnEnd].contains("OutputTranscription"), "the answer follows the filler")
            try await gateway.call(path, G.sessionInterface, "Close")
            _ = await monitor.stop()
        }
    }

    static let blockingLookup = #"[{"name": "lookup", "description": "Looks it up", "behavior": "BLOCKING"}]"#

    @Test("a blocking call pending: realtime input is held (InputGate), sent after the response; the service never closes 1008")
    func inputGateDuringBlockingCall() async throws {
        try await G.with { gateway in
            let monitor = try await gateway.monitorSignals()
            let path = try await gateway.startSession([
                "3", "detached", "b", "true", "tools", "s", Self.blockingLookup, "vad", "a{sv}", "1", "disabled", "b", "true",
            ])
            #expect(try await gateway.sessionString(path, "InputGate") == "open")
            try await gateway.call(path, G.sessionInterface, "SendText", "s", "call lookup {\"q\": \"tides\"}")
            let asked = await eventually { MonitorLog(monitor.stdout).signals(G.sessionInterface, "ToolCall", path: path).count == 1 }
            #expect(asked)
            let gate = try await gateway.sessionString(path, "InputGate") ?? ""
            #expect(gate.hasPrefix("held: blocking tool call"), "\(gate)")
            // With manual activity detection, Interrupt sends activityStart: realtime input.
            try await gateway.call(path, G.sessionInterface, "Interrupt")
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await gateway.sessionString(path, "State") == "active", "the service did not close the session")
            let connection = try #require(gateway.simulator.recorder.connection(1))
            #expect(!connection.clientMessages.contains { Self.isActivityStart($0) }, "held while the call is pending")
            let call = try #require(MonitorLog(monitor.stdout).signals(G.sessionInterface, "ToolCall", path: path).first?.values("string").first)
            try await gateway.call(path, G.sessionInterface, "SendToolResponse", "ssa{sv}", call, #"{"tide": "high"}"#, "0")
            let released = await eventually {
                gateway.simulator.recorder.connection(1)?.clientMessages.contains { Self.isActivityStart($0) } == true
            }
            #expect(released)
            let sent = try #require(gateway.simulator.recorder.connection(1)).clientMessages
            let response = try #require(sent.firstIndex { if case .toolResponse = $0 { true } else { false } })
            let start = try #require(sent.firstIndex { Self.isActivityStart($0) })
            #expect(response < start, "held input goes out right after the response")
            #expect(try await gateway.sessionString(path, "InputGate") == "open")
            #expect(gateway.simulator.recorder.connection(1)?.closeSent == nil)
            try await gateway.call(path, G.sessionInterface, "Close")
            _ = await monitor.stop()
        }
    }

    @Test("the service cancels an unanswered call and sends it again: cancelled, forwarded anew once, answered once")
    func cancelledAndSentAgain() async throws {
        try await G.with { gateway in
            gateway.simulator.enqueueFaults(FaultScript(resendsPendingCallsAfter: .milliseconds(400)))
            let monitor = try await gateway.monitorSignals()
            let path = try await gateway.startSession([
                "3", "detached", "b", "true", "tools", "s", Self.blockingLookup, "output_transcription", "b", "true",
            ])
            try await gateway.call(path, G.sessionInterface, "SendText", "s", "call lookup {}")
            let again = await eventually { MonitorLog(monitor.stdout).signals(G.sessionInterface, "ToolCall", path: path).count == 2 }
            #expect(again, "\(gateway.logs.text)")
            let log = MonitorLog(monitor.stdout)
            let ids = log.signals(G.sessionInterface, "ToolCall", path: path).compactMap { $0.values("string").first }
            #expect(ids.count == 2 && ids[0] == ids[1], "the same id, sent again by the service")
            #expect(log.signals(G.sessionInterface, "ToolCallCancellation", path: path).count == 1, "cancelled in between")
            try await gateway.call(path, G.sessionInterface, "SendToolResponse", "ssa{sv}", ids[0], #"{"ok": true}"#, "0")
            let answered = await eventually { MonitorLog(monitor.stdout).signals(G.sessionInterface, "TurnComplete", path: path).count == 1 }
            #expect(answered, "\(gateway.logs.text)")
            try await Task.sleep(for: .milliseconds(600))
            #expect(MonitorLog(monitor.stdout).signals(G.sessionInterface, "ToolCall", path: path).count == 2, "answered: never again")
            try await gateway.call(path, G.sessionInterface, "Close")
            _ = await monitor.stop()
        }
    }

    static func isActivityStart(_ message: ClientMessage) -> Bool {
        if case .realtimeInput(let input) = message { return input.activityStart != nil }
        return false
    }
}
