import BusTestSupport
import DBusService
import Foundation
import Gateway
import LiveProtocol
import LiveSimulator
import Testing

/// Issue 5 §2, the fault matrix: every close code and reason of protocol reference §4.2 arriving
/// mid-session, malformed and oversized frames, and the owner vanishing mid-reply. Each test runs
/// the gateway in-process on a private dbus-daemon against the simulator's scripted faults, and
/// reads the gateway's signals decoded on a bus connection of its own.
///
/// Rows covered elsewhere are not repeated: goAway (mid-turn, with a tool call pending), a drop
/// without a close frame, a stale handle, the lifetime cap and a stall (``ContinuityTests``), a
/// withheld setupComplete (``BadInputTests/setupTimeout()``), restarts (``RestartResumeTests``).
@Suite("Fault matrix: close codes mid-session, bad frames, the owner vanishing mid-reply")
struct FaultMatrixTests {
    typealias G = GatewayHarness

    /// One close of protocol reference §4.2: its code, a reason as the service sends it, and what
    /// CloseExplanation makes of it.
    struct CloseRow: Sendable, CustomTestStringConvertible {
        var code: UInt16
        var reason: String
        var category: CloseExplanation.Category
        /// True when the session resumes on a new connection; false when it ends with `Closed`.
        var resumes: Bool

        var testDescription: String { "\(code) \(category) \(reason.prefix(40).debugDescription)" }

        /// The reason as it arrives: cut to 123 bytes, as the simulator (and the service) does.
        var received: String { CloseReason.truncated(reason) }
    }

    /// Every row of §4.2 with a close code, plus 1000 and 1001.
    static let closeRows: [CloseRow] = [
        CloseRow(
            code: 1008,
            reason:
                "models/gemini-live-2.5-flash-preview is not found for API version v1beta, or is not supported for bidiGenerateContent. Call ListModels to see the list of available models and their supported methods.",
            category: .modelNotFound, resumes: false),
        CloseRow(
            code: 1008,
            reason:
                "Publisher Model `projects/my-project-4711/locations/global/publishers/google/models/gemini-live-2.5-flash-native-audio` was not found or your project does not have access to it.",
            category: .vertexModelNotInRegion, resumes: false),
        CloseRow(
            code: 1008, reason: "Operation is not implemented, or supported, or enabled.", category: .operationNotSupported,
            resumes: false),
        CloseRow(code: 1008, reason: "The operation was aborted.", category: .operationAborted, resumes: true),
        CloseRow(code: 1007, reason: "Request contains an invalid argument.", category: .invalidArgument, resumes: false),
        CloseRow(
            code: 1007, reason: "User location is not supported for the API use.", category: .locationNotSupported,
            resumes: false),
        CloseRow(
            code: 1007, reason: "Cannot extract voices from a non-audio request.", category: .textOnAudioModel, resumes: false),
        CloseRow(
            code: 1007,
            reason: #"Invalid JSON payload received. Unknown name "responseModalities" at 'setup': Cannot find field."#,
            category: .unknownField, resumes: false),
        CloseRow(
            code: 1007,
            reason:
                #"Invalid value at 'setup.system_instruction' (type.googleapis.com/google.ai.generativelanguage.v1alpha.Content), "You are a helpful assistant.""#,
            category: .invalidSystemInstruction, resumes: false),
        CloseRow(code: 1011, reason: "Internal error encountered.", category: .internalError, resumes: true),
        CloseRow(code: 1011, reason: "Internal error occurred.", category: .internalError, resumes: true),
        CloseRow(
            code: 1011, reason: "Deadline expired before operation could complete.", category: .deadlineExpired, resumes: true),
        CloseRow(
            code: 1011, reason: "Request trace id: 5e0c8f1d2a7b9c43, [ORIGINAL ERROR] RPC::DEADLINE_EXCEEDED:",
            category: .deadlineExpired, resumes: true),
        CloseRow(
            code: 1011, reason: "You exceeded your current quota, please check your plan and billing details.",
            category: .quotaExceeded, resumes: true),
        CloseRow(
            code: 1011, reason: "Resource has been exhausted (e.g. check quota).", category: .quotaExceeded, resumes: true),
        CloseRow(
            code: 1011, reason: "Request trace id: 9c3e5f2a, [ORIGINAL ERROR] generic::unavailable: OVERLOADED_TOO_MANY_RETRIES_PER_REQUEST",
            category: .overloaded, resumes: true),
        CloseRow(code: 1011, reason: "The service is currently unavailable", category: .serviceUnavailable, resumes: true),
        CloseRow(code: 1000, reason: "", category: .normal, resumes: false),
        CloseRow(code: 1001, reason: "", category: .goingAway, resumes: true),
    ]

    /// A user text whose spoken reply lasts about two seconds at the simulator's default pacing.
    static let longText = "please tell me a long story about the sea, the wind, the boats, the harbour and the lighthouse keeper"

    @Test(
        "a close arriving mid-session resumes the session or ends it, as CloseExplanation says; the daemon keeps serving",
        arguments: closeRows)
    func closeMidSession(_ row: CloseRow) async throws {
        let explanation = CloseExplanation.explain(code: row.code, reason: row.received)
        #expect(explanation.category == row.category, "the row's premise")
        #expect(explanation.retryable == row.resumes, "the row's premise")
        try await G.with { gateway in
            gateway.simulator.enqueueFaults(
                FaultScript(closeAfter: .milliseconds(1200), closeCode: row.code, closeReason: row.reason))
            let signals = try await GatewaySignals.start(gateway)
            let client = try await OwnClient.connect(gateway)
            let path = try await client.startSession(["detached": .boolean(true)])
            let recorder = gateway.simulator.recorder
            let first = await recorder.waitForConnection(1, timeout: .seconds(10)) { $0.closeSent != nil }
            #expect(first?.closeSent == CloseReason(code: row.code, text: row.reason), "the simulator sent the close")
            #expect(first?.closeSent?.text == row.received)
            if row.reason.utf8.count > CloseReason.maximumReasonBytes {
                #expect(row.received.utf8.count == CloseReason.maximumReasonBytes, "a long reason arrives cut")
            }

            if row.resumes {
                let resumed = await eventually { signals.resumed(path).count == 1 }
                #expect(resumed, "\(gateway.logs.text)")
                #expect(signals.resumed(path) == [true], "resumed with the handle: the context is kept")
                let active = await eventually { (try? await client.string(path, "State")) == "active" }
                #expect(active)
                #expect(try await client.string(path, "LastError") == explanation.description)
                try await client.call(path, "SendText", [.string("are you back?")])
                let answered = await eventually { signals.turnCompletes(path) == 1 }
                #expect(answered, "\(gateway.logs.text)")
                let second = try #require(recorder.connection(2))
                #expect(second.clientMessages.first.flatMap(ContinuityTests.resumeHandle) == first?.latestHandle)
                #expect(ContinuityTests.texts(second) == ["are you back?"])
                #expect(signals.closed(path).isEmpty)
                #expect(signals.states(path) == ["active", "reconnecting", "active"])
                try await client.call(path, "Close")
            } else {
                let closed = await eventually { signals.closed(path).count == 1 }
                #expect(closed, "\(gateway.logs.text)")
                let signal = try #require(signals.closed(path).first)
                #expect(signal.code == UInt32(row.code))
                #expect(signal.reason == row.received, "the reason as received")
                #expect(signal.explanation == "\(explanation.summary) \(explanation.nextStep)")
                #expect(signals.resumed(path).isEmpty)
                #expect(signals.states(path) == ["active", "closed"])
                let gone = await eventually { (try? await client.listSessions())?.isEmpty == true }
                #expect(gone)
                // A retry would come after the policy's first backoff (0.25 s).
                try await Task.sleep(for: .milliseconds(500))
                #expect(recorder.connections.count == 1, "no retry")
            }

            let connections = recorder.connections.count
            let other = try await client.startSession()
            try await client.call(other, "SendText", [.string("still serving?")])
            let served = await eventually { signals.turnCompletes(other) == 1 }
            #expect(served, "a new session works")
            try await client.call(other, "Close")
            #expect(try await client.listSessions().isEmpty)
            #expect(recorder.connections.count == connections + 1)
            let ended = await eventually { recorder.connections.allSatisfy { !$0.isOpen } }
            #expect(ended, "every connection ended")
            await signals.stop()
            await client.close()
        }
    }

    @Test("a malformed frame mid-session is dropped: the session stays active, LastError names it, the next text is answered")
    func malformedFrame() async throws {
        try await G.with { gateway in
            gateway.simulator.enqueueFaults(FaultScript(malformedFrameAfter: .milliseconds(300)))
            let signals = try await GatewaySignals.start(gateway)
            let client = try await OwnClient.connect(gateway)
            let path = try await client.startSession()
            let named = await eventually { (try? await client.string(path, "LastError"))?.contains("malformed frame") == true }
            #expect(named, "\(gateway.logs.text)")
            let recorder = gateway.simulator.recorder
            let sent = try #require(
                recorder.connection(1)?.frames.first {
                    $0.direction == .toClient && (try? ServerMessage.decode($0.bytes)) == nil
                }, "the simulator sent a frame that does not decode")
            let lastError = try await client.string(path, "LastError")
            #expect(lastError.hasPrefix("The service sent a malformed frame (\(sent.bytes.count) bytes)"), "\(lastError)")
            #expect(lastError.contains(#"begins "{\n  \"serverContent\""#), "\(lastError)")
            #expect(signals.propertyChanges(path).contains { $0.name == "LastError" }, "LastError was announced")
            #expect(try await client.string(path, "State") == "active")
            try await client.call(path, "SendText", [.string("still there?")])
            let answered = await eventually { signals.turnCompletes(path) == 1 }
            #expect(answered)
            #expect(signals.resumed(path).isEmpty && signals.closed(path).isEmpty, "the connection went on")
            #expect(recorder.connections.count == 1)
            #expect(signals.states(path) == ["active"])
            try await client.call(path, "Close")
            let closed = await eventually { signals.closed(path).count == 1 }
            #expect(closed)
            #expect(signals.closed(path).first?.code == 1000)
            await signals.stop()
            await client.close()
        }
    }

    /// The client refuses a message above ``LiveClientConfiguration/maxMessageSize`` with its size
    /// and closes the connection itself; the session resumes like after a drop, with the handle,
    /// takes the next text, and LastError names the size and the limit.
    @Test("an oversized frame mid-session (17 MiB, above the client's 16 MiB limit): the connection is closed and the session resumes")
    func oversizedFrame() async throws {
        try await G.with { gateway in
            gateway.simulator.enqueueFaults(FaultScript(oversizedFrameAfter: .milliseconds(300)))
            let signals = try await GatewaySignals.start(gateway)
            let client = try await OwnClient.connect(gateway)
            let path = try await client.startSession(["detached": .boolean(true)])
            let resumed = await eventually { signals.resumed(path).count == 1 }
            #expect(resumed, "\(gateway.logs.text)")
            #expect(signals.resumed(path) == [true], "resumed with the handle")
            let recorder = gateway.simulator.recorder
            let first = try #require(recorder.connection(1))
            #expect(!first.isOpen)
            #expect(first.closeSent == nil && !first.dropped, "the client, not the simulator, ended it")
            #expect(first.frames.contains { $0.direction == .toClient && $0.bytes.count > 16 << 20 }, "the 17 MiB frame went out")
            let active = await eventually { (try? await client.string(path, "State")) == "active" }
            #expect(active)
            try await client.call(path, "SendText", [.string("after the big one")])
            let answered = await eventually { signals.turnCompletes(path) == 1 }
            #expect(answered)
            let second = try #require(recorder.connection(2))
            #expect(second.clientMessages.first.flatMap(ContinuityTests.resumeHandle) == first.latestHandle)
            #expect(ContinuityTests.texts(second) == ["after the big one"])
            #expect(signals.states(path) == ["active", "reconnecting", "active"])
            #expect(signals.closed(path).isEmpty)
            let lastError = try await client.string(path, "LastError")
            #expect(!lastError.isEmpty)
            #expect(lastError.contains("a message of 17.0 MiB, over the client's limit of 16.0 MiB"), "\(lastError)")
            try await client.call(path, "Close")
            let ended = await eventually { recorder.connections.allSatisfy { !$0.isOpen } }
            #expect(ended)
            await signals.stop()
            await client.close()
        }
    }

    @Test("the owner's connection closes mid-reply: Closed says the owner left, the service connection is closed, nothing is listed")
    func ownerVanishesMidReply() async throws {
        try await G.with(simulator: SimulatorConfiguration()) { gateway in
            let signals = try await GatewaySignals.start(gateway)
            let owner = try await OwnClient.connect(gateway)
            let path = try await owner.startSession()
            try await owner.call(path, "SendText", [.string(Self.longText)])
            let speaking = await eventually { !signals.signals("OutputTranscription", path: path).isEmpty }
            #expect(speaking, "the reply began")
            await owner.close()
            let closed = await eventually { signals.closed(path).count == 1 }
            #expect(closed, "\(gateway.logs.text)")
            let signal = try #require(signals.closed(path).first)
            #expect(
                signal.explanation
                    == #"The session's owner left the bus, and an owner-bound session ends with its owner; pass "detached": true to StartSession to keep it."#
            )
            #expect(signal.code == 1000)
            #expect(signals.turnCompletes(path) == 0, "the owner left mid-reply")
            #expect(signals.states(path).suffix(2) == ["closing", "closed"])
            let recorder = gateway.simulator.recorder
            let ended = await recorder.waitForConnection(1, timeout: .seconds(10)) { !$0.isOpen }
            #expect(ended != nil, "the service's connection was closed")
            #expect(ended?.serverMessages.contains { $0.serverContent?.turnComplete == true } == false, "cut mid-reply")
            #expect(ended?.dropped == false)
            let observer = try await OwnClient.connect(gateway)
            let gone = await eventually { (try? await observer.listSessions())?.isEmpty == true }
            #expect(gone)
            #expect(recorder.connections.count == 1)
            await observer.close()
            await signals.stop()
        }
    }
}
