import AudioNodes
import DBusService
import Foundation
import LiveClient
import LiveProtocol
import Logging

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

    public private(set) var state: SessionState = .connecting
    /// The current turn number.
    public private(set) var turn: UInt64 = 0
    public private(set) var usage = SessionUsage()
    /// The last problem, explained; empty when none.
    public internal(set) var lastError = ""

    private var sequence: UInt64 = 0
    /// The connection whose events count; nil while there is none.
    var connection: LiveConnection?
    /// The number of ``connection`` (1 for the first).
    var currentLink = 0
    /// The connection being opened, if any.
    var pendingLink: LinkPlan?
    /// Finishing one abandons that connection (while opening) or aborts it (once open), by number.
    var linkAborts: [Int: AsyncStream<Void>.Continuation] = [:]
    /// Since when the service owes a reply on the current connection; nil when it owes none.
    var awaitingReplySince: ContinuousClock.Instant?
    /// Why the watchdog aborted a connection, by number: what the session reports for its end.
    var stalls: [Int: String] = [:]
    var linksOpened = 0
    /// True until the current connection delivered something other than a resumption update.
    var linkFresh = false
    var resumption = ResumptionState()
    var reconnect: ReconnectPolicy
    /// Set by goAway until the session moved.
    var handover: HandoverPlan?
    /// The run loop's work queue; finished when the session is closed.
    var jobs: AsyncStream<LinkJob>.Continuation?
    private var readiness: Result<Void, DBusError>?
    private var readinessWaiters: [CheckedContinuation<Void, Never>] = []
    /// Why the gateway is closing the session; nil while nobody asked.
    var closeCause: CloseCause?
    /// Finished by ``close(_:)`` (or the end of the session) to abandon the connection being opened.
    var connectAttempt: AsyncStream<Void>.Continuation?
    var modelSpeaking = false
    /// The rest of the current reply is being dropped (the owner called Interrupt).
    var droppingReply = false
    /// The turn `Interrupted` was last emitted for (once per turn).
    private var interruptedTurn: UInt64?
    var pendingToolCalls: [String: String] = [:]
    /// The nodes and the audio counters.
    var audio: SessionAudioState
    /// The video share and its counters.
    var video = SessionVideoState()
    /// When the owner last called a method.
    public internal(set) var lastCall = ContinuousClock.now
    let emit: @Sendable (SessionEvent) async -> Void
    private let endingCause: @Sendable () -> CloseCause?

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
        endingCause: @escaping @Sendable () -> CloseCause? = { nil },
        emit: @escaping @Sendable (SessionEvent) async -> Void
    ) {
        self.id = id
        self.owner = owner
        self.detachedUserID = detachedUserID
        self.idleTimeout = idleTimeout
        self.stallTimeout = stallTimeout
        self.reconnect = reconnect
        self.audioConfiguration = audio
        self.audio = SessionAudioState(status: audio == nil ? .off : .starting)
        self.endingCause = endingCause
        self.configuration = configuration
        self.setup = setup
        self.emit = emit
    }

    // MARK: Life

    /// Connects, relays every server event, moves to a new connection on goAway or after a drop,
    /// and reports `closed` when the session ends.
    ///
    /// A ``close(_:)`` while connecting abandons the attempt, so the session ends promptly
    /// whatever the service does.
    public func run(client: LiveClientConfiguration, logger: Logger) async {
        guard closeCause == nil else {
            await finish(nil)
            return
        }
        let (work, continuation) = AsyncStream<LinkJob>.makeStream()
        jobs = continuation
        openLink(.start, handle: configuration.resumeHandle)
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
        if readiness == nil {
            await withCheckedContinuation { readinessWaiters.append($0) }
        }
        if case .failure(let error) = readiness { throw error }
    }

    func fail(_ error: DBusError) {
        resolve(.failure(error))
    }

    func resolve(_ result: Result<Void, DBusError>) {
        guard readiness == nil else { return }
        readiness = result
        for waiter in readinessWaiters { waiter.resume() }
        readinessWaiters.removeAll()
    }

    func finish(_ close: CloseExplanation?, error: String? = nil) async {
        guard state != .closed else { return }
        adoptEndingCause()
        resolve(.failure(DBusError(GatewayError.connectionFailed, error ?? close?.description ?? "The connection ended.")))
        let leftOpen = connection
        connection = nil
        connectAttempt?.finish()
        connectAttempt = nil
        jobs?.finish()
        jobs = nil
        if let leftOpen { await leftOpen.close(code: 1000, reason: closeCause?.reason ?? "session ended") }
        if let closeCause {
            // The gateway ended the session (the service answers with 1000, or there was no connection yet).
            await setState(.closed)
            await emit(
                .closed(code: UInt32(close?.code ?? 1000), reason: close?.reason ?? "", explanation: closeCause.explanation))
            return
        }
        let explanation = close ?? CloseExplanation.explain(code: nil, reason: nil)
        if let error {
            lastError = error
        } else if explanation.category != .normal {
            lastError = explanation.description
        }
        await setState(.closed)
        await emit(
            .closed(
                code: UInt32(explanation.code ?? 1006), reason: explanation.reason,
                explanation: error ?? "\(explanation.summary) \(explanation.nextStep)"))
    }

    func setState(_ new: SessionState) async {
        guard state != new else { return }
        state = new
        await emit(.propertiesChanged(lastError.isEmpty ? ["State"] : ["State", "LastError"]))
    }

    // MARK: Server events

    /// Handles an event of connection `link`, read from the socket at `receivedAt`; events of a
    /// connection the session left are dropped.
    func handle(_ event: LiveEvent, link: Int, receivedAt: ContinuousClock.Instant, logger: Logger) async {
        guard link == currentLink, state != .closed else {
            logger.debug("dropped an event of connection \(link), which the session left")
            return
        }
        awaitingReplySince = nil
        switch event {
        case .malformedFrame(let frame):
            linkFresh = false
            logger.warning("dropped a frame from the service: \(frame)")
            lastError = "The service sent a \(frame)"
            await emit(.propertiesChanged(["LastError"]))
        case .message(let message):
            await handle(message, receivedAt: receivedAt, logger: logger)
        }
    }

    private func handle(_ message: ServerMessage, receivedAt: ContinuousClock.Instant, logger: Logger) async {
        if let update = message.sessionResumptionUpdate {
            let confirms = !linkFresh
            if resumption.update(update, confirms: confirms), let handle = resumption.handle {
                await emit(.resumable(handle: handle))
                if handover != nil, pendingToolCalls.isEmpty { await beginHandover(logger: logger) }
            }
        } else {
            linkFresh = false
        }
        if let content = message.serverContent {
            if let transcript = content.inputTranscription, let text = transcript.text {
                await emit(
                    .inputTranscription(
                        turn: turn, sequence: nextSequence(), text: text, finished: transcript.finished ?? false))
            }
            if content.interrupted == true {
                // The service cut its reply; what follows is a new reply.
                droppingReply = false
                audio.nodes?.flushVoice()
                await cutReply()
            }
            for part in content.modelTurn?.parts ?? [] where !droppingReply {
                if let blob = part.inlineData, blob.mimeType.lowercased().hasPrefix("audio/") {
                    modelSpeaking = true
                    playVoice(blob, receivedAt: receivedAt, logger: logger)
                }
                if let text = part.text, part.thought != true {
                    modelSpeaking = true
                    await emit(.text(turn: turn, sequence: nextSequence(), text: text))
                }
            }
            if let transcript = content.outputTranscription, let text = transcript.text, !droppingReply {
                modelSpeaking = true
                await emit(
                    .outputTranscription(
                        turn: turn, sequence: nextSequence(), text: text, finished: transcript.finished ?? false))
            }
            if content.generationComplete == true {
                audio.nodes?.finishVoiceTurn()
                if !droppingReply, interruptedTurn != turn { await emit(.generationComplete(turn: turn)) }
            }
        }
        if let usage = message.usageMetadata {
            self.usage.add(usage)
        }
        if let calls = message.toolCall?.functionCalls {
            for call in calls {
                let id = call.id ?? ""
                pendingToolCalls[id] = call.name
                await emit(.toolCall(id: id, name: call.name, arguments: (call.args ?? .object([:])).compactText))
            }
        }
        if let cancelled = message.toolCallCancellation?.ids, !cancelled.isEmpty {
            for id in cancelled { pendingToolCalls[id] = nil }
            await emit(.toolCallCancellation(ids: cancelled))
        }
        if let goAway = message.goAway {
            let timeLeft = goAway.timeLeft?.seconds ?? 0
            await emit(.goAway(timeLeft: timeLeft))
            await planHandover(timeLeft: timeLeft, logger: logger)
        }
        if message.serverContent?.turnComplete == true {
            audio.nodes?.finishVoiceTurn()
            let ended = turn
            turn += 1
            sequence = 0
            modelSpeaking = false
            droppingReply = false
            await emit(.turnComplete(turn: ended, reason: message.serverContent?.turnCompleteReason?.rawValue ?? ""))
            await emit(.propertiesChanged(["Turn", "Usage"]))
        } else if message.usageMetadata != nil {
            await emit(.propertiesChanged(["Usage"]))
        }
    }

    private func nextSequence() -> UInt64 {
        defer { sequence += 1 }
        return sequence
    }

    // MARK: Owner's calls

    /// Sends a complete user turn of text. The service interrupts a reply in progress.
    public func sendText(_ text: String) async throws(DBusError) {
        lastCall = .now
        guard !text.isEmpty else { throw .invalidArgs("SendText needs a non-empty text (1 byte to 1 MiB of UTF-8)") }
        guard text.utf8.count <= Self.maxTextBytes else {
            throw .invalidArgs("SendText takes at most 1 MiB (1048576 bytes) of text; this one has \(text.utf8.count) bytes")
        }
        try await send(.clientContent(.userText(text)), kept: true)
        droppingReply = false
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
        audio.nodes?.flushVoice()
        if !configuration.automaticActivityDetection {
            try await send(.realtimeInput(RealtimeInput(activityStart: EmptyObject())))
        }
        if modelSpeaking {
            droppingReply = true
            await cutReply()
        } else if audible, turn > 0 {
            await cutReply(of: turn - 1)
        }
    }

    /// Reports the reply of `turn` (the current one by default) as cut short, once per turn.
    private func cutReply(of cut: UInt64? = nil) async {
        let cut = cut ?? turn
        if cut == turn { modelSpeaking = false }
        guard interruptedTurn != cut else { return }
        interruptedTurn = cut
        await emit(.interrupted(turn: cut))
    }

    /// Answers a pending tool call.
    public func sendToolResponse(id: String, response: String, options: [String: DBusValue]) async throws(DBusError) {
        lastCall = .now
        try options.rejectUnknownKeys(["will_continue", "scheduling"])
        guard let name = pendingToolCalls[id] else {
            let pending = pendingToolCalls.keys.sorted()
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
        try await send(
            .toolResponse(
                ToolResponse(functionResponses: [
                    FunctionResponse(id: id, name: name, response: value, willContinue: willContinue, scheduling: scheduling)
                ])))
        if willContinue != true { pendingToolCalls[id] = nil }
        expectReply()
    }

    /// Closes the session for `cause`; `closed` follows. While connecting, the connection attempt
    /// is abandoned and a caller waiting in ``waitUntilReady()`` gets `InvalidState`.
    public func close(_ cause: CloseCause) async {
        guard closeCause == nil, state != .closed else { return }
        closeCause = cause
        guard let connection else {
            resolve(.failure(Self.closedBeforeReady(cause)))
            connectAttempt?.finish()
            await setState(.closing)
            return
        }
        connectAttempt?.finish()
        await setState(.closing)
        await connection.close(code: 1000, reason: cause.reason)
    }

    /// Takes the gateway's reason when the connection ended without a ``close(_:)`` (shutdown).
    func adoptEndingCause() {
        guard closeCause == nil, let cause = endingCause() else { return }
        closeCause = cause
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

    /// Sends `message` on the current connection. User input (`kept`) is also kept until the
    /// service confirms it with a new handle; while the session reconnects it is held and sent on
    /// the next connection, so none is lost.
    func send(_ message: ClientMessage, kept: Bool = false) async throws(DBusError) {
        let keeps = kept && configuration.sessionResumption
        if keeps, state == .reconnecting, closeCause == nil {
            resumption.keep(message)
            return
        }
        let connection = try activeConnection()
        let order = keeps ? resumption.keep(message) : nil
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
            resumption.forget(order)
            throw GatewayError.from(error)
        }
    }

    /// The names of the session's D-Bus properties.
    public static let propertyNames = [
        "State", "Model", "Owner", "Turn", "Usage", "LastError", "ResumptionHandle", "AudioState", "InputNode", "OutputNode", "Underruns",
        "JitterBufferMs", "AudioSentSeconds", "AudioDroppedSeconds", "AudioReceivedSeconds", "AudioPlayedSeconds",
        "AudioLatency",
    ] + videoPropertyNames

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
            "ResumptionHandle": .string(resumption.handle ?? ""),
        ]
        let wanted = values.merging(audioPropertyValues(latency: names?.contains("AudioLatency") ?? true)) { $1 }
            .merging(videoPropertyValues()) { $1 }
        guard let names else { return wanted }
        return wanted.filter { names.contains($0.key) }
    }
}
