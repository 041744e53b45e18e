import Foundation
import LiveProtocol
import Logging

/// The simulated model behind one connection: validates each client message like the service,
/// keeps the conversation, detects speech, plans replies, handles barge-in, tool calls and
/// resumption, and decides every frame that goes out (through the ``Outbox``).
///
/// Timing lives elsewhere: the connection's reader feeds ``receive(_:isText:)``, its speaker task
/// paces the planned replies through ``emit(_:turn:)``, and its fault timers call ``apply(_:)``.
actor LiveSession {
    /// Where the connection is in its life.
    enum Phase: Sendable {
        case awaitingSetup
        /// Setup accepted, setupComplete withheld by a fault: frames are ignored.
        case withheld
        case active
        case closed
    }

    /// A user turn waiting for (or getting) a reply.
    enum UserTurn: Sendable {
        case text(String)
        /// 16 kHz samples of one utterance.
        case audio([Int16])
    }

    /// The model turn in progress.
    struct ModelTurn: Sendable {
        let id: Int
        /// Context tokens (text, audio) when the turn began.
        let promptTokens: (text: Int, audio: Int)
        /// Function calls awaiting a response, in call order.
        var pendingCalls: [(id: String, name: String)] = []
        /// `"<name> returned <json>"` for each answered call.
        var toolAnswers: [String] = []
        var replyText = ""
        var replyDuration: Duration = .zero
        var playbackStart: ContinuousClock.Instant?
        var audioSent: Duration = .zero
        var textSent = ""
        /// The answer still to come after this utterance in the same request (extended thinking:
        /// the filler is spoken first).
        var followUp: ReplyPlan?
    }

    static let echoResampler = Resampler(inputRate: PCM.inputRate, outputRate: PCM.outputRate)

    let context: ConnectionContext
    let outbox: Outbox
    private let speaker: AsyncStream<(turn: Int, plan: ReplyPlan)>.Continuation

    private(set) var phase = Phase.awaitingSetup
    /// True once a stall fault fired: nothing more is sent or read.
    private(set) var isStalled = false
    private(set) var settings: SessionSettings?
    private var sessionID: Int?
    private var holdsQuota = false
    var conversation = ConversationState(modelID: "")
    private var detector: EnergyVAD?
    private var manualCapture: [Int16]?
    var turn: ModelTurn?
    private var queuedTurns: [UserTurn] = []
    private var pendingClientText: [String] = []
    var nextTurnID = 1
    private var nextCallNumber = 1
    var cancelledCalls: Set<String> = []
    /// NON_BLOCKING calls awaiting their (final) response: id → function name.
    var asyncCalls: [String: String] = [:]
    /// Results of non-blocking calls to speak when the model is idle (`WHEN_IDLE`).
    var idleAnnouncements: [String] = []
    /// Timers of the ``FaultScript/resendsPendingCallsAfter`` fault, by call id.
    var resendTimers: [String: Task<Void, Never>] = [:]

    init(
        context: ConnectionContext, outbox: Outbox, speaker: AsyncStream<(turn: Int, plan: ReplyPlan)>.Continuation
    ) {
        self.context = context
        self.outbox = outbox
        self.speaker = speaker
    }

    // MARK: Input

    /// Handles one client message (`bytes` as received; `isText` for opcode 1).
    func receive(_ bytes: Data, isText: Bool) async {
        guard phase == .awaitingSetup || phase == .active else { return }
        let message: ClientMessage
        switch FrameParser.parse(bytes, isText: isText, apiVersion: context.path.apiVersion) {
        case .failure(let reason):
            close(reason)
            return
        case .success(let parsed):
            message = parsed
        }
        guard phase == .active, let settings else {
            guard case .setup(let setup) = message else {
                context.logger.notice("first message is not a setup", metadata: ["message": "\(message.key)"])
                close(.invalidArgument)
                return
            }
            await accept(setup)
            return
        }
        switch message {
        case .setup:
            context.logger.notice("second setup on one connection")
            close(.invalidArgument)
        case .clientContent(let content):
            handle(content)
        case .realtimeInput(let input):
            handle(input, settings: settings)
        case .toolResponse(let response):
            handle(response)
        case .contextUpdate:
            context.logger.debug("context update accepted")
        }
    }

    private func accept(_ setup: Setup) async {
        let settings: SessionSettings
        switch SetupValidator.validate(setup, path: context.path) {
        case .failure(let reason):
            close(reason)
            return
        case .success(let valid):
            settings = valid
        }
        guard context.ledger.acquireSession(limit: context.configuration.maxSessions) else {
            close(.quotaExceeded)
            return
        }
        holdsQuota = true
        if let handle = settings.resumeHandle {
            guard let resumed = context.store.resume(handle: handle) else {
                close(.sessionNotFound)
                return
            }
            sessionID = resumed.session
            guard resumed.conversation.modelID == settings.model.id else {
                context.logger.notice("resumption asked for another model", metadata: ["model": "\(settings.model.id)"])
                close(.invalidArgument)
                return
            }
            conversation = resumed.conversation
        } else {
            sessionID = context.store.startSession()
            conversation = ConversationState(modelID: settings.model.id)
        }
        self.settings = settings
        detector = settings.detectsActivityAutomatically ? EnergyVAD(settings.activityDetection) : nil
        context.logger.info(
            "setup accepted",
            metadata: ["model": "\(settings.model.id)", "resumed": "\(settings.resumeHandle != nil)"])
        if context.faults.withholdsSetupComplete {
            phase = .withheld
            return
        }
        if let delay = context.faults.setupDelay {
            try? await Task.sleep(for: delay)
            guard phase == .awaitingSetup else { return }
        }
        phase = .active
        outbox.send(ServerMessage(setupComplete: SetupComplete()))
        sendResumable()
    }

    private func handle(_ content: ClientContent) {
        interrupt()
        for turn in content.turns ?? [] {
            let text = turn.parts.compactMap(\.text).filter { !$0.isEmpty }.joined(separator: " ")
            guard !text.isEmpty else { continue }
            if turn.role == "model" {
                conversation.entries.append(.init(role: "model", text: text, audioSeconds: 0))
            } else {
                pendingClientText.append(text)
            }
        }
        if content.turnComplete == true, !pendingClientText.isEmpty {
            let text = pendingClientText.joined(separator: " ")
            pendingClientText = []
            start(.text(text))
        }
    }

    private func handle(_ input: RealtimeInput, settings: SessionSettings) {
        if let reason = refusal(of: input, settings: settings) {
            close(reason)
            return
        }
        let explicitActivity = input.activityStart != nil || input.activityEnd != nil
        if explicitActivity && settings.detectsActivityAutomatically {
            close(.explicitActivityWithAutomaticDetection)
            return
        }
        if input.audioStreamEnd == true && !settings.detectsActivityAutomatically {
            close(.audioStreamEndWithManualActivity)
            return
        }
        if input.activityStart != nil {
            activityStarted()
            manualCapture = []
        }
        if let audio = input.anyAudio {
            guard let samples = Self.samples(of: audio) else {
                context.logger.notice("audio refused", metadata: ["mimeType": "\(audio.mimeType)"])
                close(.invalidArgument)
                return
            }
            if var detector {
                let events = detector.process(samples)
                self.detector = detector
                handle(events)
            } else if manualCapture != nil {
                manualCapture?.append(contentsOf: samples)
            }
        }
        if let text = input.text, !text.isEmpty {
            userTurn(.text(text), interrupts: settings.activityInterrupts)
        }
        if input.activityEnd != nil, let captured = manualCapture {
            manualCapture = nil
            userTurn(.audio(captured), interrupts: false)
        }
        if input.audioStreamEnd == true, var detector {
            let events = detector.flush()
            self.detector = detector
            handle(events)
        }
    }

    private func handle(_ events: [EnergyVAD.Event]) {
        for event in events {
            switch event {
            case .speechStarted: activityStarted()
            case .speechEnded(let utterance): userTurn(.audio(utterance), interrupts: false)
            }
        }
    }

    private func handle(_ response: ToolResponse) {
        for answer in response.functionResponses {
            guard let id = answer.id, !id.isEmpty else {
                context.logger.notice("function response without an id")
                close(.invalidArgument)
                return
            }
            if cancelledCalls.contains(id) { continue }
            if asyncCalls[id] != nil {
                answerAsync(answer, id: id)
                continue
            }
            guard var current = turn, let index = current.pendingCalls.firstIndex(where: { $0.id == id }) else {
                context.logger.notice("function response for an unknown call", metadata: ["id": "\(id)"])
                close(.invalidArgument)
                return
            }
            current.pendingCalls.remove(at: index)
            current.toolAnswers.append("\(answer.name) returned \(answer.response.compactText)")
            turn = current
        }
        guard let current = turn, current.pendingCalls.isEmpty, !current.toolAnswers.isEmpty, current.replyText.isEmpty
        else { return }
        let answers = current.toolAnswers.joined(separator: "; ")
        conversation.entries.append(.init(role: "tool", text: answers, audioSeconds: 0))
        dispatch(plan(reply: "\(answers) (turn \(conversation.userTurns))", echo: nil), turn: current.id)
    }

    /// 16 kHz samples of an `audio/pcm;rate=16000` (or bare `audio/pcm`) blob; nil for anything else.
    static func samples(of blob: Blob) -> [Int16]? {
        let mimeType = blob.mimeType.lowercased().replacingOccurrences(of: " ", with: "")
        guard mimeType.hasPrefix("audio/pcm") else { return nil }
        let rate = blob.pcmSampleRate ?? (mimeType == "audio/pcm" ? PCM.inputRate : 0)
        guard rate == PCM.inputRate, blob.data.count % 2 == 0 else { return nil }
        return PCM.samples(blob.data)
    }

    // MARK: Turns

    private func activityStarted() {
        if turn != nil, settings?.activityInterrupts == true { interrupt() }
    }

    private func userTurn(_ userTurn: UserTurn, interrupts: Bool) {
        if turn != nil {
            guard interrupts else {
                queuedTurns.append(userTurn)
                return
            }
            interrupt()
        }
        start(userTurn)
    }

    private func start(_ userTurn: UserTurn) {
        guard let settings else { return }
        conversation.userTurns += 1
        let number = conversation.userTurns
        switch userTurn {
        case .text(let text):
            conversation.entries.append(.init(role: "user", text: text, audioSeconds: 0))
        case .audio(let samples):
            let seconds = Double(samples.count) / Double(PCM.inputRate)
            let transcript = "(speech \(String(format: "%.1f", seconds)) s)"
            conversation.entries.append(.init(role: "user", text: transcript, audioSeconds: seconds))
            if settings.transcribesInput {
                outbox.send(ServerMessage(serverContent: ServerContent(inputTranscription: Transcription(text: transcript))))
            }
        }
        let id = nextTurnID
        nextTurnID += 1
        turn = ModelTurn(id: id, promptTokens: conversation.contextTokens)
        sendNotResumable()
        if case .text(let text) = userTurn {
            let calls = ToolCallTrigger.calls(in: text, functions: settings.functions)
            if !calls.isEmpty {
                var functionCalls: [FunctionCall] = []
                var asyncNames: [String] = []
                for call in calls {
                    let callID = "function-call-\(nextCallNumber)"
                    nextCallNumber += 1
                    functionCalls.append(FunctionCall(id: callID, name: call.name, args: call.args))
                    if settings.nonBlockingFunctions.contains(call.name) {
                        asyncCalls[callID] = call.name
                        asyncNames.append(call.name)
                    } else {
                        turn?.pendingCalls.append((callID, call.name))
                    }
                }
                outbox.send(ServerMessage(toolCall: ToolCall(functionCalls: functionCalls)))
                sendNotResumable()
                scheduleResend(functionCalls)
                // A BLOCKING call makes the model wait; NON_BLOCKING ones let it talk on.
                if turn?.pendingCalls.isEmpty == false { return }
                let names = asyncNames.joined(separator: " and ")
                dispatch(plan(reply: "Working on \(names) (turn \(number))", echo: nil), turn: id)
                return
            }
        }
        if settings.model.multiUtteranceRequests {
            let (answer, echo) = Self.reply(to: userTurn, number: number)
            turn?.followUp = plan(reply: answer, echo: echo).afterPause(context.configuration.pacing.thinkingPause)
            dispatch(plan(reply: "Let me think about that (turn \(number))", echo: nil), turn: id)
            return
        }
        if let translation = settings.translation {
            dispatch(translationPlan(of: userTurn, into: translation, number: number), turn: id)
            return
        }
        let (reply, echo) = Self.reply(to: userTurn, number: number)
        dispatch(plan(reply: reply, echo: echo), turn: id)
    }

    /// The reply text to a user turn, and the audio to echo.
    static func reply(to userTurn: UserTurn, number: Int) -> (text: String, echo: [Int16]?) {
        switch userTurn {
        case .text(let text):
            return ("You said: \(text) (turn \(number))", nil)
        case .audio(let samples) where samples.count < EnergyVAD.frameSamples:
            return ("I heard nothing (turn \(number))", nil)
        case .audio(let samples):
            let seconds = String(format: "%.1f", Double(samples.count) / Double(PCM.inputRate))
            return ("You spoke for \(seconds) seconds (turn \(number))", samples)
        }
    }

    /// The reply plan: text parts for TEXT, else the echo of `echo` or the synthesized voice.
    func plan(reply text: String, echo: [Int16]?) -> ReplyPlan {
        guard let settings else { return ReplyPlan(steps: [], text: text, audioDuration: .zero) }
        if settings.respondsWithText { return .written(text: text) }
        let chunk = context.configuration.pacing.chunkDuration
        if context.configuration.voice == .echo, let echo, echo.count >= EnergyVAD.frameSamples {
            return .spoken(
                text: text, samples: Self.echoResampler.resample(echo), wordStarts: nil,
                transcribes: settings.transcribesOutput, chunkDuration: chunk)
        }
        let voice = VoiceSynthesizer(voiceName: settings.voiceName).speak(text)
        return .spoken(
            text: text, samples: voice.samples, wordStarts: voice.wordStarts, transcribes: settings.transcribesOutput,
            chunkDuration: chunk)
    }

    func dispatch(_ plan: ReplyPlan, turn id: Int) {
        guard turn?.id == id else { return }
        turn?.replyText = plan.text
        turn?.replyDuration = plan.audioDuration
        speaker.yield((id, plan))
    }

    /// Ends the model turn in progress with `interrupted`, cancelling pending calls first.
    func interrupt() {
        guard let current = turn else { return }
        if !current.pendingCalls.isEmpty {
            let ids = current.pendingCalls.map(\.id)
            cancelledCalls.formUnion(ids)
            outbox.send(ServerMessage(toolCallCancellation: ToolCallCancellation(ids: ids)))
        }
        outbox.send(ServerMessage(serverContent: ServerContent(interrupted: true)))
        finish(current, interrupted: true)
    }

    /// Sends turnComplete with usage (and, for a model that speaks several utterances per
    /// request, `IN_PROGRESS` while an answer follows, else `IDLE`), remembers what was played,
    /// and offers a new handle once the request is over.
    func finish(_ current: ModelTurn, interrupted: Bool = false) {
        let respondsWithText = settings?.respondsWithText == true
        let responseTokens =
            respondsWithText ? TokenCount.text(current.textSent) : TokenCount.audio(seconds: current.audioSent.seconds)
        let promptTokens = current.promptTokens.text + current.promptTokens.audio
        var promptDetails: [ModalityTokenCount] = []
        if current.promptTokens.text > 0 {
            promptDetails.append(ModalityTokenCount(modality: .text, tokenCount: current.promptTokens.text))
        }
        if current.promptTokens.audio > 0 {
            promptDetails.append(ModalityTokenCount(modality: .audio, tokenCount: current.promptTokens.audio))
        }
        let usage = UsageMetadata(
            promptTokenCount: promptTokens, responseTokenCount: responseTokens,
            totalTokenCount: promptTokens + responseTokens, promptTokensDetails: promptDetails,
            responseTokensDetails: [
                ModalityTokenCount(modality: respondsWithText ? .text : .audio, tokenCount: responseTokens)
            ])
        let continues = current.followUp != nil && !interrupted
        var status: InteractionStatus?
        if settings?.model.multiUtteranceRequests == true { status = continues ? .inProgress : .idle }
        outbox.send(
            ServerMessage(
                serverContent: ServerContent(turnComplete: true, interactionStatus: status), usageMetadata: usage))
        let played = playedFraction(current)
        if !current.replyText.isEmpty {
            let words = ReplyPlan.fragments(of: current.replyText)
            let kept = words.prefix(Int((Double(words.count) * played).rounded())).joined()
            conversation.entries.append(
                .init(role: "model", text: kept, audioSeconds: current.replyDuration.seconds * played))
        }
        if continues, let followUp = current.followUp {
            let next = nextTurnID
            nextTurnID += 1
            turn = ModelTurn(id: next, promptTokens: conversation.contextTokens)
            dispatch(followUp, turn: next)
            return
        }
        turn = nil
        sendResumable()
    }

    /// How much of the turn's reply the client has played by now, 0…1.
    private func playedFraction(_ current: ModelTurn) -> Double {
        if settings?.respondsWithText == true {
            return current.replyText.isEmpty ? 0 : min(1, Double(current.textSent.count) / Double(current.replyText.count))
        }
        guard current.replyDuration > .zero, let start = current.playbackStart else { return 0 }
        let played = min(current.audioSent, ContinuousClock.now - start)
        return min(1, played.seconds / current.replyDuration.seconds)
    }

    // MARK: Speaker

    /// Sends one planned step of turn `id`; false when the turn is no longer current.
    func emit(_ step: ReplyPlan.Step, turn id: Int) -> Bool {
        guard phase == .active, !isStalled, var current = turn, current.id == id else { return false }
        switch step {
        case .audio(let data, let duration):
            if current.playbackStart == nil { current.playbackStart = .now }
            current.audioSent += duration
            let part = Part(inlineData: Blob.pcm(data, sampleRate: PCM.outputRate))
            outbox.send(ServerMessage(serverContent: ServerContent(modelTurn: Content(parts: [part]))))
        case .text(let text):
            current.textSent += text
            outbox.send(ServerMessage(serverContent: ServerContent(modelTurn: Content(parts: [Part(text: text)]))))
        case .transcript(let text):
            current.textSent += text
            outbox.send(ServerMessage(serverContent: ServerContent(outputTranscription: Transcription(text: text))))
        case .pause:
            break
        }
        turn = current
        return true
    }

    /// Sends generationComplete for turn `id`; returns when its audio will have played out, or
    /// nil when the turn is no longer current.
    func generationFinished(turn id: Int) -> ContinuousClock.Instant? {
        guard phase == .active, !isStalled, let current = turn, current.id == id else { return nil }
        outbox.send(ServerMessage(serverContent: ServerContent(generationComplete: true)))
        return (current.playbackStart ?? .now) + current.audioSent
    }

    /// True while turn `id` is the model turn in progress.
    func isCurrent(_ id: Int) -> Bool { phase == .active && turn?.id == id }

    /// Completes turn `id` after its playback, then starts the next queued user turn.
    func completeTurn(_ id: Int) {
        guard phase == .active, !isStalled, let current = turn, current.id == id else { return }
        finish(current)
        guard turn == nil else { return }
        if !idleAnnouncements.isEmpty {
            announce(idleAnnouncements.removeFirst())
        } else if !queuedTurns.isEmpty {
            start(queuedTurns.removeFirst())
        }
    }

    // MARK: Resumption

    func sendResumable() {
        guard phase == .active, settings?.resumable == true, let sessionID else { return }
        let handle = context.store.issueHandle(session: sessionID, conversation: conversation)
        outbox.send(
            ServerMessage(sessionResumptionUpdate: SessionResumptionUpdate(newHandle: handle, resumable: true)))
    }

    /// proto3 JSON omits `resumable: false` and an empty handle, so this is `{}` on the wire.
    func sendNotResumable() {
        guard settings?.resumable == true else { return }
        outbox.send(ServerMessage(sessionResumptionUpdate: SessionResumptionUpdate(newHandle: nil, resumable: nil)))
    }

    // MARK: Faults and ending

    /// Carries out a scripted fault.
    func apply(_ action: FaultAction) {
        guard phase != .closed, !isStalled else { return }
        context.logger.info("fault", metadata: ["action": "\(action)"])
        switch action {
        case .goAway(let timeLeft):
            outbox.send(ServerMessage(goAway: GoAway(timeLeft: ProtoDuration(seconds: timeLeft.seconds))))
        case .close(let reason):
            close(reason)
        case .drop:
            phase = .closed
            outbox.enqueue(.drop)
        case .malformedFrame:
            outbox.enqueue(.raw(Data("{\n  \"serverContent\": {\n    \"modelTurn\": {\n      \"parts\": [\n".utf8)))
        case .oversizedFrame(let bytes):
            outbox.enqueue(.raw(Self.oversizedFrame(bytes: bytes)))
        case .stall:
            isStalled = true
            outbox.enqueue(.stall)
        }
    }

    /// A valid audio frame of about `bytes` bytes, in the service's JSON layout.
    static func oversizedFrame(bytes: Int) -> Data {
        let head = "{\n  \"serverContent\": {\n    \"modelTurn\": {\n      \"parts\": [\n        {\n          \"inlineData\": {\n            \"data\": \""
        let tail = "\",\n            \"mimeType\": \"audio/pcm;rate=24000\"\n          }\n        }\n      ]\n    }\n  }\n}\n"
        let payload = max(4, (bytes - head.utf8.count - tail.utf8.count) / 4 * 4)
        var data = Data(head.utf8)
        data.append(Data(repeating: UInt8(ascii: "A"), count: payload))
        data.append(Data(tail.utf8))
        return data
    }

    /// Sends `reason` as the close frame; nothing follows it.
    func close(_ reason: CloseReason) {
        guard phase != .closed else { return }
        context.logger.notice("closing", metadata: ["code": "\(reason.code)", "reason": "\(reason.text)"])
        phase = .closed
        outbox.enqueue(.close(reason))
    }

    /// The connection ended: release the session's quota and start its handles' lifetime.
    func connectionEnded() {
        phase = .closed
        if let sessionID { context.store.connectionEnded(session: sessionID) }
        if holdsQuota { context.ledger.releaseSession() }
        holdsQuota = false
        sessionID = nil
        for timer in resendTimers.values { timer.cancel() }
        resendTimers = [:]
        speaker.finish()
        outbox.finish()
    }
}
