import Foundation
import LiveProtocol
import LiveSimulator
import Testing

@Suite("Session resumption")
struct ResumptionTests {
    static let resumable = #""sessionResumption": {}, "outputAudioTranscription": {}"#

    /// Runs one text turn on a fresh or resumed session; returns the transcript and the last handle.
    static func turn(
        _ text: String, at address: SimulatorAddress, handle: String? = nil, model: String = "models/gemini-3.8-live"
    ) async throws -> (result: ProbeResult, transcript: String, handle: String?) {
        let resumption = handle.map { #""sessionResumption": {"handle": "\#($0)"}, "outputAudioTranscription": {}"# }
        let result = try await Probe.run(address.liveURL()) { probe in
            try await probe.sendSetup(model: model, resumption ?? resumable)
            try await probe.wait { $0.contains { $0.setupComplete != nil } }
            try await probe.sendText(text)
            try await probe.wait { messages in
                guard let done = messages.firstIndex(where: { $0.isTurnComplete }) else { return false }
                return messages[done...].contains { $0.sessionResumptionUpdate?.resumable == true }
            }
        }
        let handle = result.messages.compactMap(\.sessionResumptionUpdate).last(where: { $0.resumable == true })?.newHandle
        return (result, result.messages.transcript, handle)
    }

    @Test("a handle continues the conversation on a new connection")
    func resumeContinues() async throws {
        let simulator = Fixtures.simulator()
        try await simulator.withRunning { address in
            let first = try await Self.turn("one", at: address)
            #expect(first.transcript == "You said: one (turn 1)")
            let updates = first.result.messages.compactMap(\.sessionResumptionUpdate)
            #expect(updates.first?.resumable == true)
            #expect(first.result.messages.dropFirst().first?.sessionResumptionUpdate?.resumable == true)
            let handle = try #require(first.handle)
            let second = try await Self.turn("two", at: address, handle: handle)
            #expect(second.transcript == "You said: two (turn 2)")
            let usage = second.result.messages.compactMap(\.usageMetadata).last
            let firstUsage = first.result.messages.compactMap(\.usageMetadata).last
            #expect((usage?.promptTokenCount ?? 0) > (firstUsage?.promptTokenCount ?? 0))
            let third = try await Self.turn("three", at: address, handle: second.handle)
            #expect(third.transcript == "You said: three (turn 3)")
        }
    }

    @Test("an unknown handle is refused with 1008")
    func unknownHandle() async throws {
        let simulator = Fixtures.simulator()
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup(#""sessionResumption": {"handle": "no-such-handle"}"#)
                try await probe.waitForEnd()
            }
        }
        #expect(result.closeCode == 1008)
        #expect(result.closeReason == "BidiGenerateContent session not found")
    }

    @Test("a handle expires after the configured lifetime")
    func expiredHandle() async throws {
        let simulator = Fixtures.simulator(
            SimulatorConfiguration(handleLifetime: .milliseconds(200), pacing: .immediate))
        try await simulator.withRunning { address in
            let first = try await Self.turn("one", at: address)
            let handle = try #require(first.handle)
            _ = await simulator.recorder.waitForConnection(1) { !$0.isOpen }
            try await Task.sleep(for: .milliseconds(400))
            let result = try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup(#""sessionResumption": {"handle": "\#(handle)"}"#)
                try await probe.waitForEnd()
            }
            #expect(result.closeCode == 1008)
            #expect(result.closeReason == "BidiGenerateContent session not found")
        }
    }

    @Test("resuming with another model is refused")
    func modelChange() async throws {
        let simulator = Fixtures.simulator()
        try await simulator.withRunning { address in
            let handle = try #require(try await Self.turn("one", at: address).handle)
            let result = try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup(
                    model: "models/gemini-2.5-flash-native-audio-preview-12-2025",
                    #""sessionResumption": {"handle": "\#(handle)"}"#)
                try await probe.waitForEnd()
            }
            #expect(result.closeCode == 1007)
            #expect(result.closeReason == "Request contains an invalid argument.")
        }
    }
}
