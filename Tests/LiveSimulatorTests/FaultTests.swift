import Foundation
import LiveProtocol
import LiveSimulator
import Testing

@Suite("Scripted faults")
struct FaultTests {
    /// Connects, sends a setup, and lets `script` run; returns what happened.
    static func run(_ faults: FaultScript, _ script: @escaping @Sendable (LiveProbe) async throws -> Void) async throws
        -> (ProbeResult, LiveSimulator)
    {
        let simulator = Fixtures.simulator(SimulatorConfiguration(faults: faults, pacing: .immediate))
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup()
                try await script(probe)
            }
        }
        return (result, simulator)
    }

    @Test("goAway announces the time left")
    func goAway() async throws {
        let (result, _) = try await Self.run(FaultScript(goAwayAfter: .milliseconds(100), goAwayTimeLeft: .seconds(50))) {
            try await $0.wait { $0.contains { $0.goAway != nil } }
        }
        let goAway = try #require(result.messages.compactMap(\.goAway).first)
        #expect(goAway.timeLeft == ProtoDuration(seconds: 50))
        let text = try #require(result.frames.last { $0.message?.goAway != nil }.flatMap { String(data: $0.bytes, encoding: .utf8) })
        #expect(text.contains("\"50s\""))
    }

    @Test("the connection lifetime ends with goAway, then 1011 Deadline expired")
    func lifetime() async throws {
        let faults = FaultScript(goAwayTimeLeft: .milliseconds(300), connectionLifetime: .milliseconds(500))
        let (result, _) = try await Self.run(faults) { try await $0.waitForEnd() }
        #expect(result.messages.compactMap(\.goAway).map(\.timeLeft) == [ProtoDuration(seconds: 0.3)])
        #expect(result.closeCode == 1011)
        #expect(result.closeReason == "Deadline expired before operation could complete.")
    }

    @Test("a drop ends the connection without a close frame")
    func drop() async throws {
        let simulator = Fixtures.simulator(
            SimulatorConfiguration(faults: FaultScript(dropAfter: .milliseconds(200)), pacing: .immediate))
        try await simulator.withRunning { address in
            do {
                let result = try await Probe.run(address.liveURL()) { probe in
                    try await probe.sendSetup()
                    try await probe.waitForEnd()
                }
                #expect(result.closeCode == nil)
            } catch {
                // An unclean end may also surface as an error; both mean no close frame arrived.
            }
            let recorded = await simulator.recorder.waitForConnection(1) { !$0.isOpen }
            #expect(recorded?.dropped == true)
            #expect(recorded?.closeSent == nil)
        }
    }

    @Test("a scripted close sends the given code and reason")
    func customClose() async throws {
        let faults = FaultScript(closeAfter: .milliseconds(100), closeCode: 1011, closeReason: "Internal error encountered.")
        let (result, _) = try await Self.run(faults) { try await $0.waitForEnd() }
        #expect(result.closeCode == 1011)
        #expect(result.closeReason == "Internal error encountered.")
    }

    @Test("setupComplete can be delayed or withheld")
    func setupTiming() async throws {
        let started = ContinuousClock.now
        let (delayed, _) = try await Self.run(FaultScript(setupDelay: .milliseconds(400))) { probe in
            try await probe.wait { $0.contains { $0.setupComplete != nil } }
        }
        #expect(ContinuousClock.now - started >= .milliseconds(400))
        #expect(delayed.messages.first?.setupComplete != nil)
        let (withheld, simulator) = try await Self.run(FaultScript(withholdsSetupComplete: true)) { probe in
            try await probe.sendText("hello?")
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(withheld.messages.isEmpty)
        #expect(simulator.recorder.connection(1)?.clientMessages.count == 2)
    }

    @Test("a malformed frame is invalid JSON in a binary frame")
    func malformedFrame() async throws {
        let (result, _) = try await Self.run(FaultScript(malformedFrameAfter: .milliseconds(100))) { probe in
            try await probe.wait(timeout: .seconds(5), for: { _ in probe.received.count >= 2 })
        }
        let frame = try #require(result.frames.first { $0.message?.setupComplete == nil })
        #expect(frame.isBinary)
        #expect((try? JSONSerialization.jsonObject(with: frame.bytes)) == nil)
    }

    @Test("an oversized frame is one valid frame of the given size")
    func oversizedFrame() async throws {
        let faults = FaultScript(oversizedFrameAfter: .milliseconds(100), oversizedFrameBytes: 100_000)
        let (result, _) = try await Self.run(faults) { probe in
            try await probe.wait(timeout: .seconds(5), for: { _ in probe.received.count >= 2 })
        }
        let frame = try #require(result.frames.max { $0.bytes.count < $1.bytes.count })
        #expect(frame.isBinary)
        #expect(abs(frame.bytes.count - 100_000) < 8)
        #expect(frame.message?.audio?.isEmpty == false)
    }

    @Test("a stall stops sending but keeps the connection open")
    func stall() async throws {
        let (result, simulator) = try await Self.run(FaultScript(stallAfter: .milliseconds(300))) { probe in
            try await Task.sleep(for: .milliseconds(600))
            try await probe.sendText("anyone there?")
            try await Task.sleep(for: .milliseconds(500))
            #expect(!probe.isEnded)
        }
        #expect(result.messages.allSatisfy { $0.serverContent == nil })
        #expect(result.messages.count <= 1)
        #expect(simulator.recorder.connection(1)?.closeSent == nil)
    }

    @Test("faults can be queued for one connection")
    func queuedFaults() async throws {
        let simulator = Fixtures.simulator()
        simulator.enqueueFaults(FaultScript(closeAfter: .milliseconds(100), closeCode: 1011, closeReason: "first only"))
        try await simulator.withRunning { address in
            let first = try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup()
                try await probe.waitForEnd()
            }
            #expect(first.closeReason == "first only")
            let second = try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup()
                try await Task.sleep(for: .milliseconds(300))
            }
            #expect(second.closeCode == 1000)
        }
    }

    @Test("sessions beyond the quota are refused with 1011")
    func quota() async throws {
        let simulator = Fixtures.simulator(SimulatorConfiguration(maxSessions: 1, pacing: .immediate))
        try await simulator.withRunning { address in
            let url = address.liveURL()
            _ = try await Probe.run(url) { probe in
                try await probe.sendSetup()
                try await probe.wait { $0.contains { $0.setupComplete != nil } }
                let second = try await Probe.run(url) { other in
                    try await other.sendSetup()
                    try await other.waitForEnd()
                }
                #expect(second.closeCode == 1011)
                #expect(second.closeReason == "You exceeded your current quota, please check your plan and billing details.")
            }
        }
    }
}
