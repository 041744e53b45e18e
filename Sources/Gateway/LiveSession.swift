import AudioNodes
import DBusService
import Foundation
import LiveClient
import LiveProtocol
import Logging
import NIOPosix

/// One Live session: its connection to the service, its state, and the events it reports.
///
/// ``run(client:logger:)`` is the session's whole life (connect, relay events, report the close);
/// the bus surface calls the other methods for the session's owner. Turn and sequence numbers let
/// listeners order transcript fragments that the service itself does not order.
public actor LiveSession {
    /// The session's id, the last element of its object path.
    public nonisolated let id: String
    /// The unique bus name of the caller that started it.
    public nonisolated let owner: String
    /// What the owner asked for.
    public nonisolated let configuration: SessionConfiguration
    /// The setup sent to the service.
    public nonisolated let setup: Setup
    /// Set for a detached session: the Unix user whose connections may control it.
    public nonisolated let detachedUserID: UInt32?
    /// How long a detached session stays open without a method call.
    public nonisolated let idleTimeout: Duration
    /// How long the service may stay silent after input that asks for a reply (a text turn, the
    /// end of the audio stream, a tool response) before the connection counts as stalled and is
    /// replaced by a resumed one.
    public nonisolated let stallTimeout: Duration
    /// The session's PipeWire nodes as asked for; nil when the gateway runs without audio.
    public nonisolated let audioConfiguration: SessionAudio.Configuration?
    /// Set for a session of the local Live endpoint: the client its service frames go to.
    public nonisolated let relay: SessionRelay?

    /// The connection's life: which connection counts, handover, retries, stalls, the close.
    var link: ConnectionMachine
    /// The conversation: turns, the reply in progress, pending tool calls, usage.
    var conversation = ConversationMachine()
    /// The connection whose events count; nil while there is none.
    var connection: LiveConnection?
    /// Finishing one abandons that connection (while opening) or aborts it (once open), by number.
    var linkAborts: [Int: AsyncStream<Void>.Continuation] = [:]
    /// The run loop's work queue; finished when the session is closed.
    var jobs: AsyncStream<LinkJob>.Continuation?
    private var readiness = SessionReadiness()
    /// The session's log, with its id (set when it runs).
    var logger = Logger(label: "io.github.geminilive.session")
    /// The nodes and the audio counters.
    var audio: SessionAudioState
    /// The video share and its counters.
    var video = SessionVideoState()
    /// The echo guard, shared by the actor and both pumps.
    nonisolated let echoGuard = EchoGuardCell()
    /// Model audio straight from the connection's event loop to the nodes.
    nonisolated let voice: VoicePump
    /// Captured audio straight from the input node to the connection's event loop (every
    /// connection of the session runs on the pump's loop).
    nonisolated let uplink: UplinkPump
    /// The last problem, explained; empty when none.
    public internal(set) var lastError = ""
    /// Mute, manual activity, the activity indicator and the turn latencies (LiveSession+Activity).
    var talk = SessionTalkState()
    /// For each input the conversation holds (in order), the uplink pump's ``UplinkPump/heldMark``
    /// when it was held: the pump's held audio before it is sent first.
    var heldInputMarks: [Int] = []
    /// When the owner last called a method.
    public internal(set) var lastCall = ContinuousClock.now
    /// Hands an event to the bus surface, which queues its signal and returns at once; a
    /// `.propertiesChanged` comes with the properties' values as they were when it was emitted.
    let sink: @Sendable (SessionEvent, [String: DBusValue]) -> Void
    let endingCause: @Sendable () -> CloseCause?

    /// When StartSession's caller got its answer (the first connection came up or failed); nil
    /// before.
    var readyAt: ContinuousClock.Instant? { readiness.settledAt }

    /// Where the session is in its life.
    public var state: SessionState { link.state }
    /// The current turn number.
    public var turn: UInt64 { conversation.turn }
    /// Token counts the service reported.
    public var usage: SessionUsage { conversation.usage }
    /// Why the gateway is closing the session; nil while nobody asked.
    var closeCause: CloseCause? { link.closeCause }

    /// A session for `owner`; it does nothing until ``run(client:logger:)``.
    ///
    /// `endingCause` tells why the connection may end without a ``close(_:)`` reaching the session
    /// first: on graceful shutdown the WebSocket layer closes every connection by itself, so the
    /// gateway answers `.shutdown` from then on. `reconnect` paces the resumption of a connection
    /// that dropped.
    public init(
        id: String, owner: String, configuration: SessionConfiguration, setup: Setup, detachedUserID: UInt32? = nil,
        idleTimeout: Duration = .seconds(600), reconnect: ReconnectPolicy = ReconnectPolicy(),
        stallTimeout: Duration = .seconds(20), audio: SessionAudio.Configuration? = nil,
        relay: SessionRelay? = nil, endingCause: @escaping @Sendable () -> CloseCause? = { nil },
        emit: @escaping @Sendable (SessionEvent, [String: DBusValue]) -> Void
    ) {
        self.id = id
        self.owner = owner
        self.detachedUserID = detachedUserID
        self.idleTimeout = idleTimeout
        self.stallTimeout = stallTimeout
        self.link = ConnectionMachine(
            resumes: configuration.sessionResumption, reconnect: reconnect, stallTimeout: stallTimeout)
        self.audioConfiguration = audio
        self.relay = relay
        self.audio = SessionAudioState(status: audio == nil ? .off : .starting)
        self.voice = VoicePump(echoGuard: echoGuard)
        self.uplink = UplinkPump(
            eventLoop: MultiThreadedEventLoopGroup.singleton.next(), resumes: configuration.sessionResumption,
            detectsSpeech: configuration.automaticActivityDetection, echoGuard: echoGuard,
            logger: Logger(label: "gemini-live-gateway.uplink").with("session", id))
        self.endingCause = endingCause
        self.configuration = configuration
        self.setup = setup
        self.sink = emit
    }

    /// Reports `event`, in order, without waiting for its signal to be sent (the bus queues it).
    /// A `.propertiesChanged` takes the properties' values now, in the same turn of the actor as
    /// the change, so a read that sees a new value is answered after the signal that announced it.
    func emit(_ event: SessionEvent) {
        switch event {
        case .propertiesChanged(let names):
            sink(event, propertyValues(Set(names)))
        case .resumable:
            sink(event, [:])
            emit(.propertiesChanged(["ResumptionHandle"]))
        default:
            sink(event, [:])
        }
    }

    // MARK: Life

    /// Connects, relays every server event, moves to a new connection on goAway or after a drop,
    /// and reports `closed` when the session ends.
    ///
    /// A ``close(_:)`` while connecting abandons the attempt, so the session ends promptly
    /// whatever the service does.
    public func run(client: LiveClientConfiguration, logger: Logger) async {
        self.logger = logger
        guard let first = link.start(handle: configuration.resumeHandle) else {
            await finish(nil)
            return
        }
        let (work, continuation) = AsyncStream<LinkJob>.makeStream()
        jobs = continuation
        jobs?.yield(.connect(first))
        await withDiscardingTaskGroup { group in
            for await job in work {
                switch job {
                case .connect(let plan):
                    group.addTask { await self.serve(plan, client: client, logger: logger) }
                case .handoverDeadline(let link, let deadline):
                    group.addTask {
                        try? await Task.sleep(until: deadline)
                        await self.handoverDue(link: link, logger: logger)
                    }
                case .stallDeadline(let link, let deadline):
                    group.addTask {
                        try? await Task.sleep(until: deadline)
                        await self.stallDue(link: link, logger: logger)
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// Returns once the service confirmed the setup.
    /// - Throws: the named error that explains why the session could not start.
    public func waitUntilReady() async throws(DBusError) {
        if readiness.result == nil {
            await withCheckedContinuation { waiter in
                if !readiness.wait(waiter) { waiter.resume() }
            }
        }
        if case .failure(let error) = readiness.result { throw error }
    }

    func resolve(_ result: Result<Void, DBusError>) {
        for waiter in readiness.settle(result) { waiter.resume() }
    }

    /// Ends the session: closes what is left open and reports `Closed` with the service's close
    /// (nil: none) or `error` as the explanation.
    func finish(_ close: CloseExplanation?, error: String? = nil) async {
        adoptEndingCause()
        let pending = link.pendingLink?.number
        guard link.finished() else { return }
        resolve(.failure(DBusError(GatewayError.connectionFailed, error ?? close?.description ?? "The connection ended.")))
        let leftOpen = connection
        connection = nil
        if let pending { linkAborts[pending]?.finish() }
        jobs?.finish()
        jobs = nil
        if let leftOpen { await leftOpen.close(code: 1000, reason: closeCause?.reason ?? "session ended") }
        if let closeCause {
            // The gateway ended the session (the service answers with 1000, or there was no connection yet).
            await reportState()
            emit(
                .closed(code: UInt32(close?.code ?? 1000), reason: close?.reason ?? "", explanation: closeCause.explanation))
            return
        }
        let explanation = close ?? CloseExplanation.explain(code: nil, reason: nil)
        if let error {
            lastError = error
        } else if explanation.category != .normal {
            lastError = explanation.description
        }
        await reportState()
        emit(
            .closed(
                code: UInt32(explanation.code ?? 1006), reason: explanation.reason,
                explanation: error ?? "\(explanation.summary) \(explanation.nextStep)"))
    }

    /// Tells listeners the State changed, if it did since they were last told; false when it
    /// had not.
    @discardableResult
    func reportState() async -> Bool {
        routeUplink()
        guard let reported = link.stateToReport() else { return false }
        noteStateReported(reported)
        emit(.propertiesChanged(lastError.isEmpty ? ["State"] : ["State", "LastError"]))
        return true
    }

    /// Carries out what the conversation decided, in order.
    func perform(_ actions: [ConversationMachine.Action], receivedAt: ContinuousClock.Instant) async {
        for action in actions {
            noteAction(action)
            switch action {
            case .emit(let event): if await passesEchoFilter(event) { emit(event) }
            case .playVoice(let blob): playVoice(blob, receivedAt: receivedAt)
            case .flushVoice:
                followConversation()
                audio.nodes?.flushVoice()
            case .finishVoiceTurn: audio.nodes?.finishVoiceTurn()
            case .sendHeld(let held):
                if !heldInputMarks.isEmpty { await uplink.releaseHeld(through: heldInputMarks.removeFirst()) }
                do {
                    try await send(held.message, kept: held.kept)
                } catch {
                    logger.warning("input held during a blocking tool call could not be sent: \(error)")
                }
            case .resendAnswer(let response):
                logger.notice("the service sent tool call \(response.id ?? "") again; answering it with the owner's earlier response")
                do {
                    try await send(.toolResponse(ToolResponse(functionResponses: [response])))
                } catch {
                    logger.warning("could not answer the repeated tool call \(response.id ?? ""): \(error)")
                }
            case .ignoredRepeatedCall(let id):
                logger.notice("the service sent tool call \(id) again while it is still pending; not forwarded twice")
            }
        }
    }

    // MARK: Server events

    /// Handles an event of connection `link`, read from the socket at `receivedAt` as `frame`
    /// (`audioMark`: the uplink position written by then); events of a connection the session
    /// left are dropped.
    func handle(
        _ event: LiveEvent, link number: Int, receivedAt: ContinuousClock.Instant, audioMark: Int = 0,
        frame: Data? = nil, logger: Logger
    ) async {
        guard link.heard(link: number) else {
            logger.debug("dropped an event of connection \(number), which the session left")
            return
        }
        if let relay, let frame { await self.relay(event, frame: frame, to: relay) }
        switch event {
        case .malformedFrame(let frame):
            link.heardContent()
            logger.warning("dropped a frame from the service: \(frame)")
            lastError = "The service sent a \(frame)"
            emit(.propertiesChanged(["LastError"]))
        case .message(let message):
            await handle(message, receivedAt: receivedAt, audioMark: audioMark, logger: logger)
            followConversation()
        case .voiceQueued(let samples):
            link.heardContent()
            voiceQueued(samples: samples)
        }
    }

    private func handle(_ message: ServerMessage, receivedAt: ContinuousClock.Instant, audioMark: Int, logger: Logger) async {
        if let update = message.sessionResumptionUpdate {
            let outcome = link.resumptionUpdate(update, toolCallsPending: !conversation.pendingCalls.isEmpty, audioMark: audioMark)
            uplink.confirm(through: link.resumption.audioConfirmed)
            if let handle = outcome.handle { emit(.resumable(handle: handle)) }
            if let move = outcome.move { await moveToNewConnection(move, logger: logger) }
        } else {
            link.heardContent()
        }
        if let content = message.serverContent {
            await perform(conversation.content(content), receivedAt: receivedAt)
        }
        if let usage = message.usageMetadata {
            conversation.usage(usage)
        }
        if let calls = message.toolCall?.functionCalls {
            let gated = conversation.gatesRealtimeInput
            await perform(conversation.toolCalls(calls, blocking: setup.blocksOnCall), receivedAt: receivedAt)
            await inputGateFollows(wasGated: gated)
        }
        if let cancelled = message.toolCallCancellation?.ids {
            let gated = conversation.gatesRealtimeInput
            await perform(conversation.toolCallsCancelled(cancelled), receivedAt: receivedAt)
            await inputGateFollows(wasGated: gated)
        }
        if let goAway = message.goAway {
            let timeLeft = goAway.timeLeft?.seconds ?? 0
            emit(.goAway(timeLeft: timeLeft))
            await planHandover(timeLeft: timeLeft, logger: logger)
        }
        if let content = message.serverContent, content.turnComplete == true {
            let reason = content.turnCompleteReason?.rawValue ?? ""
            await perform(
                conversation.turnComplete(reason: reason, requestComplete: content.completesRequest), receivedAt: receivedAt)
        } else if message.usageMetadata != nil {
            emit(.propertiesChanged(["Usage"]))
        }
    }

    // MARK: Owner's calls

    /// Sends a complete user turn of text. The service interrupts a reply in progress.
    public func sendText(_ text: String) async throws(DBusError) {
        lastCall = .now
        guard !text.isEmpty else { throw .invalidArgs("SendText needs a non-empty text (1 byte to 1 MiB of UTF-8)") }
        guard text.utf8.count <= Self.maxTextBytes else {
            throw .invalidArgs("SendText takes at most 1 MiB (1048576 bytes) of text; this one has \(text.utf8.count) bytes")
        }
        if setup.sendsTextAsRealtimeInput {
            try await send(.realtimeInput(RealtimeInput(text: text)), kept: true)
        } else {
            try await send(.clientContent(.userText(text)), kept: true)
        }
        conversation.userText()
        noteTextTurn()
        expectReply()
    }

    /// The largest text ``sendText(_:)`` takes, in UTF-8 bytes.
    public static let maxTextBytes = 1 << 20

    /// Stops the model's current reply at once: the virtual microphone is silent from the next
    /// quantum, the rest of the reply (audio, text, transcription and its `GenerationComplete`) is
    /// dropped and `Interrupted` is emitted. Voice of a finished turn that is still playing is
    /// cut too (`Interrupted` then names that turn). With manual activity detection it also sends
    /// `activityStart`.
    public func interrupt() async throws(DBusError) {
        lastCall = .now
        _ = try activeConnection()
        let audible = (audio.nodes?.output.bufferedMilliseconds ?? 0) > 0
        await perform(conversation.interrupt(audible: audible), receivedAt: .now)
        if !configuration.automaticActivityDetection {
            try await sendRealtime(.realtimeInput(RealtimeInput(activityStart: EmptyObject())))
            noteActivityStarted()
        }
    }

    /// Answers a pending tool call.
    public func sendToolResponse(id: String, response: String, options: [String: DBusValue]) async throws(DBusError) {
        lastCall = .now
        try options.rejectUnknownKeys(["will_continue", "scheduling"])
        guard let call = conversation.pendingCall(id) else {
            let pending = conversation.pendingCalls.keys.sorted()
            throw .invalidArgs(
                "No pending tool call has id \"\(id)\"; "
                    + (pending.isEmpty ? "none is pending." : "pending: \(pending.joined(separator: ", ")).")
            )
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: response)
        } catch {
            throw .invalidArgs("The response must be a JSON object, e.g. {\"temperature\": 20}; it is not valid JSON")
        }
        guard case .object = value else {
            throw .invalidArgs("The response must be a JSON object, e.g. {\"temperature\": 20}, not \(value.compactText.prefix(40))")
        }
        var scheduling: FunctionResponseScheduling?
        if let text = try options.value("scheduling", as: String.self) {
            switch text.lowercased() {
            case "silent": scheduling = .silent
            case "when-idle", "when_idle": scheduling = .whenIdle
            case "interrupt": scheduling = .interrupt
            default: throw .invalidArgs("Option \"scheduling\" must be \"silent\", \"when-idle\" or \"interrupt\", got \"\(text)\"")
            }
        }
        let willContinue = try options.value("will_continue", as: Bool.self)
        let answer = FunctionResponse(id: id, name: call.name, response: value, willContinue: willContinue, scheduling: scheduling)
        try await send(.toolResponse(ToolResponse(functionResponses: [answer])))
        let gated = conversation.gatesRealtimeInput
        await perform(conversation.answered(answer, willContinue: willContinue == true), receivedAt: .now)
        await inputGateFollows(wasGated: gated)
        expectReply()
    }

    /// Closes the session for `cause`; `closed` follows. While connecting, the connection attempt
    /// is abandoned and a caller waiting in ``waitUntilReady()`` gets `InvalidState`.
    public func close(_ cause: CloseCause) async {
        switch link.close(cause) {
        case .ignored:
            return
        case .abandon(let pending):
            resolve(.failure(Self.closedBeforeReady(cause)))
            if let pending { linkAborts[pending]?.finish() }
            await reportState()
        case .closeConnection(let reason, let pending):
            if let pending { linkAborts[pending]?.finish() }
            await reportState()
            await connection?.close(code: 1000, reason: reason)
        }
    }

    /// Takes the gateway's reason when the connection ended without a ``close(_:)`` (shutdown).
    func adoptEndingCause() {
        guard link.adopt(endingCause: endingCause()), let cause = link.closeCause else { return }
        resolve(.failure(Self.closedBeforeReady(cause)))
    }

    static func closedBeforeReady(_ cause: CloseCause) -> DBusError {
        DBusError(GatewayError.invalidState, "The session was closed before it was ready: \(cause.explanation)")
    }

    private func activeConnection() throws(DBusError) -> LiveConnection {
        guard let connection, state == .active else {
            throw DBusError(GatewayError.invalidState, "The session is \(state.rawValue); it takes calls only while active.")
        }
        return connection
    }

    /// Sends realtime input (kept for resumption), or holds it while a blocking tool call is
    /// pending (``HeldInput`` says the rule); false when it was neither sent nor held but
    /// dropped, the held audio having reached its bound.
    @discardableResult
    func sendRealtime(
        _ message: ClientMessage, samples: Int = 0, kept: Bool = false, frame: Bool = false
    ) async throws(DBusError) -> Bool {
        switch conversation.realtimeInput(message, samples: samples, kept: kept, frame: frame) {
        case .send:
            try await send(message, kept: kept)
            return true
        case .held:
            heldInputMarks.append(uplink.heldMark)
            return true
        case .replaced(let older):
            await videoFrameReplaced(older)
            return true
        case .dropped:
            if conversation.held.droppedSamples == samples {
                lastError =
                    "Input beyond \(HeldInput.capacitySamples / 16_000) s was dropped while a blocking tool call was pending (the service refuses input then); answer tool calls promptly."
                emit(.propertiesChanged(["LastError"]))
            }
            return false
        }
    }

    /// Sends `message` on the current connection. User input (`kept`) is also kept until the
    /// service confirms it with a new handle; while the session reconnects it is held and sent on
    /// the next connection, so none is lost.
    func send(_ message: ClientMessage, kept: Bool = false) async throws(DBusError) {
        let keeps = kept && configuration.sessionResumption
        if keeps, link.holdsInput {
            link.resumption.keep(message, audioMark: uplink.currentPosition)
            return
        }
        let connection = try activeConnection()
        let order = keeps ? link.resumption.keep(message, audioMark: uplink.currentPosition) : nil
        do {
            try await connection.send(message)
        } catch {
            guard let order else { throw GatewayError.from(error) }
            var refused = closeCause != nil
            if case .messageRejected = error { refused = true }
            guard refused else {
                // The connection went away under the message: it stays kept and goes out after the resume.
                return
            }
            link.resumption.forget(order)
            throw GatewayError.from(error)
        }
    }

    /// The names of the session's D-Bus properties.
    public static let propertyNames = [
        "State", "Model", "Owner", "Turn", "Usage", "LastError", "ResumptionHandle", "AudioState", "InputNode", "OutputNode", "Underruns",
        "JitterBufferMs", "AudioSentSeconds", "AudioDroppedSeconds", "AudioReceivedSeconds", "AudioPlayedSeconds",
        "AudioLatency", "InputGate",
    ] + talkPropertyNames + echoPropertyNames + videoPropertyNames
        + ["InputOverrunSeconds", "InputEventsDropped", "VoiceOverflowSeconds"]

    /// `InputGate`: whether realtime input goes out, or is held for a blocking tool call.
    var inputGateDescription: String {
        guard conversation.gatesRealtimeInput else { return "open" }
        let seconds = Double(conversation.held.heldSamples + uplink.samplesHeld) / 16_000
        return "held: blocking tool call \(conversation.blockingCallIDs.joined(separator: ", ")) pending; "
            + "\(String(format: "%.1f", seconds)) s of input held, sent after the response"
    }

    /// The current values of the session's D-Bus properties named in `names` (all by default).
    public func propertyValues(_ names: Set<String>? = nil) -> [String: DBusValue] {
        let values: [String: DBusValue] = [
            "State": .string(state.rawValue),
            "Model": .string(setup.modelID),
            "Owner": .string(owner),
            "Turn": .uint64(turn),
            "Usage": .dictionary(
                key: .string, value: .variant,
                Dictionary(uniqueKeysWithValues: usage.entries.map { (DBusValue.string($0.key), DBusValue.variant(.uint64($0.value))) })),
            "LastError": .string(lastError),
            "ResumptionHandle": .string(link.resumption.handle ?? ""),
            "InputGate": .string(inputGateDescription),
        ]
        let wanted = values.merging(audioPropertyValues(latency: names?.contains("AudioLatency") ?? true)) { $1 }
            .merging(videoPropertyValues()) { $1 }
            .merging(talkPropertyValues()) { $1 }
            .merging(echoPropertyValues()) { $1 }
        guard let names else { return wanted }
        return wanted.filter { names.contains($0.key) }
    }
}
