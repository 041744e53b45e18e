import Foundation
import LiveClient
import LiveProtocol
import LiveSimulator
import Testing

/// Every scripted fault and close path of the simulator, as the client reports it.
@Suite("Client ↔ simulator faults and closes")
struct FaultTests {
    /// Connects with `faults` on the connection and reads events until the connection ends.
    static func runUntilClosed(
        _ faults: FaultScript, keepalive: Duration? = .seconds(60), maxMessageSize: Int? = nil,
        afterSetup: @escaping @Sendable (LiveConnection) async throws -> Void = { _ in }
    ) async throws -> LiveConnectionOutcome<EventCollector> {
        let simulator = ClientFixtures.simulator()
        simulator.enqueueFaults(faults)
        return try await simulator.withRunning { address in
            var configuration = ClientFixtures.client(address, keepalive: keepalive)
            if let maxMessageSize { configuration.maxMessageSize = maxMessageSize }
            return try await LiveClient.withConnection(
                setup: ClientFixtures.setup(), configuration: configuration, logger: ClientFixtures.quiet
            ) { connection in
                let deadline = Task {
                    try await Task.sleep(for: .seconds(15))
                    await connection.close(code: 1000, reason: "test deadline")
                }
                defer { deadline.cancel() }
                try await afterSetup(connection)
                var iterator = connection.events.makeAsyncIterator()
                var events = EventCollector()
                try await events.read(&iterator, timeout: .seconds(15)) { _ in false }
                return events
            }
        }
    }

    @Test("goAway arrives with timeLeft as a Duration")
    func goAway() async throws {
        let outcome = try await Self.runUntilClosed(
            FaultScript(goAwayAfter: .milliseconds(200), goAwayTimeLeft: .seconds(2), connectionLifetime: .seconds(1)))
        let goAway = try #require(outcome.value.messages.compactMap(\.goAway).first)
        #expect(goAway.timeLeft?.seconds == 2)
        #expect(outcome.close.code == 1011)
    }

    @Test("The connection lifetime cap ends in 1011 Deadline expired, explained as retryable")
    func lifetimeCap() async throws {
        let outcome = try await Self.runUntilClosed(FaultScript(goAwayTimeLeft: .milliseconds(100), connectionLifetime: .milliseconds(400)))
        #expect(outcome.close.code == 1011)
        #expect(outcome.close.reason == "Deadline expired before operation could complete.")
        #expect(outcome.close.category == .deadlineExpired)
        #expect(outcome.close.retryable)
    }

    @Test("A drop without a close frame is reported as 1006, abnormal and retryable")
    func dropWithoutClose() async throws {
        let outcome = try await Self.runUntilClosed(FaultScript(dropAfter: .milliseconds(300)))
        #expect(outcome.close.code == nil)
        #expect(outcome.close.category == .abnormal)
        #expect(outcome.close.retryable)
        #expect(outcome.close.description.hasPrefix("1006"))
    }

    @Test("A close with a given code and reason reaches the client with its explanation")
    func scriptedClose() async throws {
        let outcome = try await Self.runUntilClosed(
            FaultScript(closeAfter: .milliseconds(300), closeCode: 1008, closeReason: "The operation was aborted."))
        #expect(outcome.close.code == 1008)
        #expect(outcome.close.reason == "The operation was aborted.")
        #expect(outcome.close.category == .operationAborted)
    }

    @Test("A delayed setupComplete is waited for")
    func delayedSetup() async throws {
        let outcome = try await Self.runUntilClosed(
            FaultScript(closeAfter: .seconds(3), closeCode: 1000, closeReason: "", setupDelay: .milliseconds(600)))
        #expect(outcome.close.code == 1000)
    }

    @Test("A withheld setupComplete times out with a named error")
    func setupTimeout() async throws {
        let simulator = ClientFixtures.simulator()
        simulator.enqueueFaults(FaultScript(withholdsSetupComplete: true))
        _ = try await simulator.withRunning { address in
            await #expect {
                try await LiveClient.withConnection(
                    setup: ClientFixtures.setup(),
                    configuration: ClientFixtures.client(address, setupTimeout: .milliseconds(500)),
                    logger: ClientFixtures.quiet
                ) { _ in }
            } throws: { error in
                guard case LiveClientError.setupTimedOut = error else { return false }
                return "\(error)".contains("setupComplete")
            }
        }
    }

    @Test("A malformed frame is surfaced as an event and the connection goes on")
    func malformedFrame() async throws {
        let outcome = try await Self.runUntilClosed(
            FaultScript(closeAfter: .seconds(5), closeCode: 1000, closeReason: "", malformedFrameAfter: .milliseconds(200))
        ) { connection in
            try await Task.sleep(for: .milliseconds(400))
            try await connection.sendText("still there?")
        }
        #expect(!outcome.value.malformed.isEmpty, "the bad frame was reported")
        #expect(outcome.value.transcript.contains("still there?"), "the session kept working after it")
    }

    @Test("An oversized frame fails the connection with an explanation, not a crash")
    func oversizedFrame() async throws {
        await #expect {
            try await Self.runUntilClosed(
                FaultScript(oversizedFrameAfter: .milliseconds(200), oversizedFrameBytes: 256 << 10), maxMessageSize: 64 << 10)
        } throws: { error in
            guard case LiveClientError.connectionLost(let detail) = error else { return false }
            return detail.contains("a frame too large for the client")
        }
    }
}
