import BusTestSupport
import Foundation
import LiveProtocol
import LiveSimulator
import Testing

extension AudioSessionTests {
    @Test("a blocking call pending: the uplink pump holds the captured audio (InputGate) and sends it right after the tool response; the service never closes 1008")
    func audioHeldDuringBlockingCall() async throws {
        try await Self.withAudioGateway { desktop, gateway in
            let noise = desktop.scratch.appendingPathComponent("held.wav").path
            try desktop.run("/usr/bin/sox", ["-n", "-r", "16000", "-c", "1", "-b", "16", noise, "synth", "1", "whitenoise", "vol", "0.3"])
            let monitor = try await gateway.monitorSignals()
            let (path, input, _) = try await Self.startSession(
                gateway, desktop, options: ["2", "detached", "b", "true", "tools", "s", ModelRulesTests.blockingLookup]
            ).parts
            try await gateway.call(path, G.sessionInterface, "SendText", "s", "call lookup {\"q\": \"tides\"}")
            let asked = await eventually { MonitorLog(monitor.stdout).signals(G.sessionInterface, "ToolCall", path: path).count == 1 }
            try #require(asked, "\(gateway.logs.text)")
            let player = try desktop.start("/usr/bin/pw-cat", ["--playback", "--target", input, noise])
            await Tool.waitForExit(player)
            let holding = try await eventually {
                let gate = try await gateway.readSessionString(path, "InputGate") ?? ""
                return gate.hasPrefix("held:") && !gate.contains(" 0.0 s of input held")
            }
            let gate = try await gateway.readSessionString(path, "InputGate") ?? ""
            #expect(holding, "\(gate)")
            let connection = try #require(gateway.simulator.recorder.connection(1))
            #expect(!connection.clientMessages.contains(where: Self.isAudio), "no audio goes out while the call is pending")

            let call = try #require(MonitorLog(monitor.stdout).signals(G.sessionInterface, "ToolCall", path: path).first?.values("string").first)
            try await gateway.call(path, G.sessionInterface, "SendToolResponse", "ssa{sv}", call, #"{"tide": "high"}"#, "0")
            let released = await eventually {
                Self.audioSeconds(gateway.simulator.recorder.connection(1)?.clientMessages ?? []) >= 0.9
            }
            let sent = try #require(gateway.simulator.recorder.connection(1)).clientMessages
            #expect(released, "\(Self.audioSeconds(sent)) s of audio sent after the response")
            let response = try #require(sent.firstIndex { if case .toolResponse = $0 { true } else { false } })
            let firstAudio = try #require(sent.firstIndex(where: Self.isAudio))
            #expect(response < firstAudio, "held audio goes out after the response")
            #expect(try await gateway.readSessionString(path, "InputGate") == "open")
            #expect(try await gateway.readSessionString(path, "State") == "active")
            #expect(gateway.simulator.recorder.connection(1)?.closeSent == nil, "the service never closed the session")
            #expect(try await Self.double(gateway, path, "AudioDroppedSeconds") < 0.05, "1 s is within the 5 s held")
            try await gateway.call(path, G.sessionInterface, "Close")
            _ = await monitor.stop()
        }
    }

    static func isAudio(_ message: ClientMessage) -> Bool {
        if case .realtimeInput(let input) = message { return input.audio != nil }
        return false
    }

    static func audioSeconds(_ messages: [ClientMessage]) -> Double {
        Double(messages.reduce(0) { total, message in
            if case .realtimeInput(let input) = message { return total + (input.audio?.data.count ?? 0) / 2 }
            return total
        }) / 16_000
    }
}
