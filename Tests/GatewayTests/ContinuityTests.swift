import BusTestSupport
import Foundation
import Gateway
import LiveProtocol
import LiveSimulator
import Testing

/// Issue 5 §1: a session survives goAway, drops and the lifetime cap on a new connection, keeps its
/// object, turn numbers and input; fatal closes end it. Driven with busctl and dbus-monitor on a
/// private bus, against the in-process simulator's scripted faults; every message is counted from
/// the simulator's recorder.
@Suite("Continuity: goAway handover, drops, stale handles and fatal closes")
struct ContinuityTests {
    typealias G = GatewayHarness

    /// A long user text: the simulator's spoken reply lasts several seconds at real-time pacing.
    static let longText = "please tell me a long story about the sea, the wind, the boats, the harbour and the lighthouse keeper"

    @Test("a drop without a close frame mid-reply: resumed with the handle, the unconfirmed text resent once, the turn count continues")
    func dropMidReply() async throws {
        try await G.with(simulator: SimulatorConfiguration()) { gateway in
            gateway.simulator.enqueueFaults(FaultScript(dropAfter: .milliseconds(1200)))
            let monitor = try await gateway.monitorSignals()
            let path = try await gateway.startSession(["1", "detached", "b", "true"])
            try await gateway.call(path, G.sessionInterface, "SendText", "s", Self.longText)
            let resumed = await eventually { MonitorLog(monitor.stdout).signals(G.sessionInterface, "Resumed").count == 1 }
            #expect(resumed, "\(gateway.logs.text)")
            let first = try #require(gateway.simulator.recorder.connection(1))
            #expect(first.dropped)
            #expect(!first.serverMessages.contains { $0.serverContent?.turnComplete == true }, "the drop came mid-reply")
            let replied = await eventually { await self.turnCompletes(monitor, path) == 1 }
            #expect(replied)
            try await gateway.call(path, G.sessionInterface, "SendText", "s", "and then?")
            let again = await eventually { await self.turnCompletes(monitor, path) == 2 }
            #expect(again)

            let second = try #require(gateway.simulator.recorder.connection(2))
            #expect(second.clientMessages.first.flatMap(Self.resumeHandle) == first.latestHandle)
            #expect(Self.texts(second) == [Self.longText, "and then?"], "resent once, then the new text")
            let log = MonitorLog(monitor.stdout)
            #expect(log.signals(G.sessionInterface, "Resumed").first?.values("boolean") == ["true"])
            let words = Self.transcript(log, path, turn: 0)
            #expect(words.contains("(turn 1)"), "\(words)")
            #expect(Self.transcript(log, path, turn: 1).contains("(turn 2)"), "the service kept the context")
            #expect(Self.states(log, path).prefix(3) == ["active", "reconnecting", "active"])
            try await self.closeAndCheck(gateway, monitor, path, connections: 2)
        }
    }

    @Test("a service that stalls (stops sending and reading, TCP open): the watchdog moves the session, the text is answered")
    func stall() async throws {
        try await G.with(configure: { $0.stallTimeout = .seconds(1) }) { gateway in
            gateway.simulator.enqueueFaults(FaultScript(stallAfter: .milliseconds(300)))
            let monitor = try await gateway.monitorSignals()
            let path = try await gateway.startSession(["1", "detached", "b", "true"])
            try await Task.sleep(for: .milliseconds(400))
            let sent = ContinuousClock.now
            try await gateway.call(path, G.sessionInterface, "SendText", "s", "are you there?")
            let answered = await eventually { await self.turnCompletes(monitor, path) == 1 }
            let elapsed = ContinuousClock.now - sent
            #expect(answered, "\(gateway.logs.text)")
            #expect(elapsed >= .seconds(1), "not before the stall timeout: \(elapsed)")
            #expect(elapsed < .seconds(10), "the watchdog, not the 60 s keepalive, noticed: \(elapsed)")
            let log = MonitorLog(monitor.stdout)
            #expect(log.signals(G.sessionInterface, "Resumed").count == 1)
            #expect(Self.texts(try #require(gateway.simulator.recorder.connection(2))) == ["are you there?"], "resent on the new connection")
            #expect(try await gateway.sessionString(path, "LastError")?.contains("stopped answering") == true)
            try await self.closeAndCheck(gateway, monitor, path, connections: 2, stalled: [1])
        }
    }

    @Test("the lifetime cap (1011 Deadline expired) without goAway: resumed, the turn count continues")
    func lifetimeCap() async throws {
        try await G.with { gateway in
            gateway.simulator.enqueueFaults(FaultScript(goAwayAfter: .seconds(60), connectionLifetime: .seconds(3)))
            let monitor = try await gateway.monitorSignals()
            let path = try await gateway.startSession(["1", "detached", "b", "true"])
            try await gateway.call(path, G.sessionInterface, "SendText", "s", "one")
            let firstAnswered = await eventually { await self.turnCompletes(monitor, path) == 1 }
            #expect(firstAnswered, "the first turn completes before the cap, so \"one\" is confirmed")
            let resumed = await eventually { MonitorLog(monitor.stdout).signals(G.sessionInterface, "Resumed").count == 1 }
            #expect(resumed, "\(gateway.logs.text)")
            #expect(gateway.simulator.recorder.connection(1)?.closeSent?.code == 1011)
            try await gateway.call(path, G.sessionInterface, "SendText", "s", "two")
            let answered = await eventually { await self.turnCompletes(monitor, path) == 2 }
            #expect(answered)
            let log = MonitorLog(monitor.stdout)
            #expect(Self.transcript(log, path, turn: 1).contains("(turn 2)"))
            #expect(Self.states(log, path).prefix(3) == ["active", "reconnecting", "active"])
            #expect(gateway.simulator.recorder.connection(2).map(Self.texts) == ["two"], "nothing resent: \"one\" was confirmed")
            try await self.closeAndCheck(gateway, monitor, path, connections: 2)
        }
    }

    @Test("a handle the service no longer knows (1008 session not found): a fresh session, Resumed(false) and LastError")
    func staleHandle() async throws {
        try await G.with(simulator: SimulatorConfiguration(handleLifetime: .zero, pacing: .immediate)) { gateway in
            gateway.simulator.enqueueFaults(FaultScript(dropAfter: .milliseconds(2000)))
            let monitor = try await gateway.monitorSignals()
            let path = try await gateway.startSession(["1", "detached", "b", "true"])
            try await gateway.call(path, G.sessionInterface, "SendText", "s", "one")
            let first = await eventually { await self.turnCompletes(monitor, path) == 1 }
            #expect(first, "\"one\" is answered (and confirmed) before the drop, so nothing is resent")
            let resumed = await eventually { MonitorLog(monitor.stdout).signals(G.sessionInterface, "Resumed").count == 1 }
            #expect(resumed, "\(gateway.logs.text)")
            let log = MonitorLog(monitor.stdout)
            #expect(log.signals(G.sessionInterface, "Resumed").first?.values("boolean") == ["false"])
            #expect(try await gateway.sessionString(path, "LastError")?.contains("context is lost") == true)
            let recorder = gateway.simulator.recorder
            #expect(recorder.connection(2)?.closeSent?.code == 1008, "the handle was refused")
            let fresh = try #require(recorder.connection(3))
            #expect(fresh.clientMessages.first.flatMap(Self.resumeHandle) == nil, "a fresh setup")
            try await gateway.call(path, G.sessionInterface, "SendText", "s", "two")
            let answered = await eventually { await self.turnCompletes(monitor, path) == 2 }
            #expect(answered)
            #expect(Self.transcript(MonitorLog(monitor.stdout), path, turn: 1).contains("(turn 1)"), "a new conversation")
            try await self.closeAndCheck(gateway, monitor, path, connections: 3)
        }
    }

    @Test("a fatal close (1007 invalid argument) is not retried: Closed explains it, the daemon keeps serving")
    func fatalClose() async throws {
        try await G.with { gateway in
            gateway.simulator.enqueueFaults(
                FaultScript(closeAfter: .milliseconds(500), closeCode: 1007, closeReason: "Request contains an invalid argument."))
            let monitor = try await gateway.monitorSignals()
            let path = try await gateway.startSession(["1", "detached", "b", "true"])
            let closed = await eventually { MonitorLog(monitor.stdout).signals(G.sessionInterface, "Closed", path: path).count == 1 }
            #expect(closed)
            let log = MonitorLog(monitor.stdout)
            let signal = try #require(log.signals(G.sessionInterface, "Closed", path: path).first)
            #expect(signal.values("uint32") == ["1007"])
            #expect(signal.values("string").first == "Request contains an invalid argument.")
            #expect(log.signals(G.sessionInterface, "Resumed").isEmpty)
            #expect(Self.states(log, path) == ["active", "closed"])
            let other = try await gateway.startSession(["1", "detached", "b", "true"])
            #expect(try await gateway.listSessions() == [other])
            #expect(gateway.simulator.recorder.connections.count == 2, "no retry: the second connection is the new session's")
            try await gateway.call(other, G.sessionInterface, "Close")
            _ = await monitor.stop()
        }
    }

    @Test("goAway mid-turn: the turn completes, then the session moves; a SendText around the move is answered once")
    func goAwayMidTurn() async throws {
        try await G.with(simulator: SimulatorConfiguration()) { gateway in
            gateway.simulator.enqueueFaults(FaultScript(goAwayAfter: .milliseconds(2000), goAwayTimeLeft: .seconds(20)))
            let monitor = try await gateway.monitorSignals()
            let path = try await gateway.startSession(["1", "detached", "b", "true"])
            try await gateway.call(path, G.sessionInterface, "SendText", "s", Self.longText)
            let finished = await eventually { await self.turnCompletes(monitor, path) == 1 }
            #expect(finished)
            try await gateway.call(path, G.sessionInterface, "SendText", "s", "what next?")
            let answered = await eventually { await self.turnCompletes(monitor, path) == 2 }
            let resumed = await eventually { MonitorLog(monitor.stdout).signals(G.sessionInterface, "Resumed").count == 1 }
            #expect(answered && resumed, "\(gateway.logs.text)")

            let recorder = gateway.simulator.recorder
            let first = try #require(recorder.connection(1))
            let kinds = first.serverMessages.compactMap { message -> String? in
                if message.goAway != nil { return "goAway" }
                if message.serverContent?.turnComplete == true { return "turnComplete" }
                if message.serverContent?.modelTurn != nil { return "modelTurn" }
                return nil
            }
            #expect(kinds.firstIndex(of: "goAway").map { $0 > 0 && $0 < kinds.count - 1 } == true, "goAway came mid-turn: \(kinds)")
            let second = try #require(recorder.connection(2))
            #expect(second.clientMessages.first.flatMap(Self.resumeHandle) == first.latestHandle)
            let sent = recorder.connections.map { Self.texts($0).filter { $0 == "what next?" }.count }
            #expect(sent.reduce(0, +) == 1, "sent exactly once across connections: \(sent)")
            let log = MonitorLog(monitor.stdout)
            #expect(log.signals(G.sessionInterface, "Resumed").first?.values("boolean") == ["true"])
            #expect(Self.transcript(log, path, turn: 0).contains("(turn 1)"))
            #expect(Self.transcript(log, path, turn: 1).contains("(turn 2)"), "the context moved with the session")
            #expect(Self.states(log, path).prefix(3) == ["active", "reconnecting", "active"])
            try await self.closeAndCheck(gateway, monitor, path, connections: 2)
        }
    }

    @Test("goAway while a tool call is pending: the move waits for SendToolResponse, then nothing needs resending")
    func goAwayDuringToolCall() async throws {
        try await G.with { gateway in
            gateway.simulator.enqueueFaults(FaultScript(goAwayAfter: .milliseconds(1500), goAwayTimeLeft: .seconds(20)))
            let monitor = try await gateway.monitorSignals()
            let path = try await gateway.startSession(
                ["2", "detached", "b", "true", "tools", "s", #"[{"name": "get_weather", "description": "The weather", "behavior": "BLOCKING"}]"#])
            try await gateway.call(path, G.sessionInterface, "SendText", "s", #"call get_weather {"city": "Paris"}"#)
            let asked = await eventually { MonitorLog(monitor.stdout).signals(G.sessionInterface, "ToolCall").count == 1 }
            let warned = await eventually { MonitorLog(monitor.stdout).signals(G.sessionInterface, "GoAway").count == 1 }
            #expect(asked && warned)
            try await Task.sleep(for: .milliseconds(300))
            #expect(gateway.simulator.recorder.connections.count == 1, "no move while the call is pending")
            #expect(try await gateway.sessionString(path, "State") == "active")
            let call = try #require(MonitorLog(monitor.stdout).signals(G.sessionInterface, "ToolCall").first?.values("string").first)
            try await gateway.call(path, G.sessionInterface, "SendToolResponse", "ssa{sv}", call, #"{"temperature": 20}"#, "0")
            let resumed = await eventually { MonitorLog(monitor.stdout).signals(G.sessionInterface, "Resumed").count == 1 }
            #expect(resumed, "\(gateway.logs.text)")
            let recorder = gateway.simulator.recorder
            let first = try #require(recorder.connection(1))
            let second = try #require(recorder.connection(2))
            #expect(first.clientMessages.contains { if case .toolResponse = $0 { true } else { false } })
            #expect(second.clientMessages.count == 1, "only the setup: the handle covered everything")
            #expect(second.clientMessages.first.flatMap(Self.resumeHandle) == first.latestHandle)
            #expect(Self.transcript(MonitorLog(monitor.stdout), path, turn: 0).contains("returned"))
            #expect(Self.states(MonitorLog(monitor.stdout), path).prefix(3) == ["active", "reconnecting", "active"])
            try await self.closeAndCheck(gateway, monitor, path, connections: 2)
        }
    }

    // MARK: Helpers

    private func turnCompletes(_ monitor: ClientTool, _ path: String) async -> Int {
        MonitorLog(monitor.stdout).signals(G.sessionInterface, "TurnComplete", path: path).count
    }

    /// Closes the session and checks that it and every connection ended and nothing is left.
    /// A `stalled` connection stays open on the simulator's side, which stopped reading.
    private func closeAndCheck(
        _ gateway: GatewayHarness, _ monitor: ClientTool, _ path: String, connections: Int, stalled: Set<Int> = []
    ) async throws {
        try await gateway.call(path, G.sessionInterface, "Close")
        let closed = await eventually { MonitorLog(monitor.stdout).signals(G.sessionInterface, "Closed", path: path).count == 1 }
        #expect(closed)
        #expect(Self.states(MonitorLog(monitor.stdout), path).suffix(2) == ["closing", "closed"])
        let gone = await eventually { (try? await gateway.listSessions().isEmpty) == true }
        #expect(gone)
        let recorder = gateway.simulator.recorder
        let ended = await eventually { recorder.connections.allSatisfy { !$0.isOpen || stalled.contains($0.number) } }
        #expect(ended, "every connection ended")
        #expect(recorder.connections.count == connections)
        _ = await monitor.stop()
    }

    /// The handle a setup resumes from.
    static func resumeHandle(_ message: ClientMessage) -> String? {
        if case .setup(let setup) = message { return setup.sessionResumption?.handle }
        return nil
    }

    /// The user texts a connection received, in order.
    static func texts(_ connection: RecordedConnection) -> [String] {
        connection.clientMessages.compactMap { message in
            guard case .clientContent(let content) = message else { return nil }
            return content.turns?.flatMap(\.parts).compactMap(\.text).joined()
        }
    }

    /// The words of a turn's OutputTranscription signals.
    static func transcript(_ log: MonitorLog, _ path: String, turn: UInt64) -> String {
        log.signals(G.sessionInterface, "OutputTranscription", path: path)
            .filter { $0.values("uint64").first == String(turn) }
            .compactMap { $0.values("string").first }.joined()
    }

    /// The State values announced by PropertiesChanged, in order.
    static func states(_ log: MonitorLog, _ path: String) -> [String] {
        log.signals("org.freedesktop.DBus.Properties", "PropertiesChanged", path: path).compactMap { message in
            guard let index = message.lines.firstIndex(of: "string \"State\"") else { return nil }
            return message.lines[(index + 1)...].first { $0.hasPrefix("variant") }.flatMap { line in
                line.split(separator: "\"").dropFirst().first.map(String.init)
            }
        }
    }
}

extension RecordedConnection {
    /// The last resumable handle the simulator sent on this connection.
    var latestHandle: String? {
        serverMessages.compactMap { $0.sessionResumptionUpdate }.last { $0.resumable == true }?.newHandle
    }
}
