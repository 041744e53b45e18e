import LiveProtocol

/// The conversation a session carries, as a value: whose turn it is, whether the model's reply
/// is arriving or being dropped, the tool calls it waits for, and the numbers (turn, sequence)
/// that let listeners order what they receive.
///
/// It does no I/O: each event (a server message's parts, an owner's call, a resume) goes in, and
/// the actions come out in the order the session must carry them out (emit a signal, play or
/// flush the voice). Events that do not apply change nothing and produce no action.
///
/// ```
///            SendText / end of audio / tool response
///  ┌──────┐ ─────────────────────────────────────▶ ┌──────────┐
///  │ idle │                                        │ userTurn │
///  └──────┘ ◀── turnComplete (request done) ──┐    └──────────┘
///     ▲  ▲                                    │         │ audio, text or transcript of the reply
///     │  │ interrupted (by the service)   ┌────────────┐◀┘
///     │  └─────────────────────────────── │ responding │ ── turnComplete (IN_PROGRESS): next utterance
///     │                                   └────────────┘
///     │ turnComplete / interrupted             │ Interrupt()
///     │                                   ┌──────────┐
///     └────────────────────────────────── │ dropping │  (the rest of the reply is dropped)
///                                         └──────────┘
/// ```
/// Tool calls are pending beside any phase (the model may go on talking while a non-blocking
/// call runs); a resumed connection cancels them, because the resent input makes the model call
/// again with new ids.
struct ConversationMachine: Sendable {
    /// Where the conversation is.
    enum Phase: Sendable, Hashable {
        /// Nothing asked, nothing arriving.
        case idle
        /// The user's input asked for a reply that has not begun.
        case userTurn
        /// The model's reply is arriving.
        case responding
        /// The owner interrupted: the rest of the current reply is dropped.
        case dropping
    }

    /// What the session carries out, in order.
    enum Action: Sendable, Hashable {
        case emit(SessionEvent)
        /// Queue this model audio on the voice nodes.
        case playVoice(Blob)
        /// Empty the voice nodes now (silent from the next quantum).
        case flushVoice
        /// The voice of the current turn is complete: the nodes may drain it.
        case finishVoiceTurn
        /// Send this realtime input now, in order: it was held while a blocking call was pending.
        case sendHeld(HeldInput.Entry)
        /// The service sent a call again that the owner already answered: send the same answer
        /// again instead of asking the owner twice.
        case resendAnswer(FunctionResponse)
        /// The service sent a call again that is still pending: nothing to forward.
        case ignoredRepeatedCall(id: String)
    }

    /// A tool call the service waits for.
    struct PendingCall: Sendable, Hashable {
        let name: String
        /// The service refuses realtime input while the call is pending.
        let blocking: Bool
    }

    /// What becomes of a piece of realtime input (audio, activity, end of stream).
    enum RealtimeDecision: Sendable, Hashable {
        /// Send it now.
        case send
        /// A blocking call is pending: it is held and sent after the response.
        case held
        /// A blocking call is pending and the held audio reached its bound: dropped, counted.
        case dropped
        /// A blocking call is pending: the video frame is held in place of the older frame held
        /// (returned), which is never sent.
        case replaced(ClientMessage)
    }

    private(set) var phase: Phase = .idle
    /// The current turn number (one per request: every utterance of a request shares it).
    private(set) var turn: UInt64 = 0
    private var sequence: UInt64 = 0
    /// The turn `Interrupted` was last emitted for (once per turn).
    private var interruptedTurn: UInt64?
    /// The calls the service waits for, by id.
    private(set) var pendingCalls: [String: PendingCall] = [:]
    /// Token counts the service reported.
    private(set) var usage = SessionUsage()
    /// The utterance of the current request (0 for the first).
    private(set) var utterance: UInt32 = 0
    /// Realtime input held while a blocking call is pending.
    private(set) var held = HeldInput()
    /// The last answers the owner gave, by call id, oldest first (at most ``answersKept``).
    private var answers: [(id: String, response: FunctionResponse)] = []
    /// Calls the service sent again that were not forwarded, over the session.
    private(set) var repeatedCalls = 0

    /// How many answered calls are remembered for calls the service sends again.
    static let answersKept = 64

    /// True while the model's reply is arriving (and not being dropped).
    var modelSpeaking: Bool { phase == .responding }

    /// True while a blocking call is pending: the service refuses realtime input meanwhile.
    var gatesRealtimeInput: Bool { pendingCalls.values.contains(where: \.blocking) }

    /// The ids of the pending blocking calls, sorted.
    var blockingCallIDs: [String] { pendingCalls.filter(\.value.blocking).keys.sorted() }

    // MARK: The user's input

    /// The user sent a text turn: a reply being dropped is over (the service answers the text
    /// anew); a reply still arriving goes on until the service interrupts it.
    mutating func userText() {
        switch phase {
        case .idle, .dropping: phase = .userTurn
        case .userTurn, .responding: break
        }
    }

    /// The user's input asks for a reply (the end of an audio stream, a tool response).
    mutating func userInput() {
        if phase == .idle { phase = .userTurn }
    }

    /// The owner asked to stop the reply. `audible` says whether voice is still playing (a
    /// finished turn's reply may still be heard).
    mutating func interrupt(audible: Bool) -> [Action] {
        var actions: [Action] = [.flushVoice]
        if phase == .responding {
            phase = .dropping
            actions += cutReply(of: turn)
        } else if audible, turn > 0 {
            actions += cutReply(of: turn - 1)
        }
        return actions
    }

    /// `Interrupted` for `cut`, once per turn.
    private mutating func cutReply(of cut: UInt64) -> [Action] {
        guard interruptedTurn != cut else { return [] }
        interruptedTurn = cut
        return [.emit(.interrupted(turn: cut))]
    }

    // MARK: What the service sends

    /// The transcripts, interruption, parts and generation end of one `serverContent`, in the
    /// order the session reports them. The turn's end is ``turnComplete(reason:requestComplete:)``.
    mutating func content(_ content: ServerContent) -> [Action] {
        var actions: [Action] = []
        if let transcript = content.interimInputTranscription, transcript.text != nil {
            actions.append(.emit(.transcriptionDetail(turn: turn, sequence: nextSequence(), source: .interim, transcription: transcript)))
        }
        if let transcript = content.inputTranscription, let text = transcript.text {
            let sequence = nextSequence()
            actions.append(
                .emit(.inputTranscription(turn: turn, sequence: sequence, text: text, finished: transcript.finished ?? false)))
            if transcript.carriesDetails {
                actions.append(.emit(.transcriptionDetail(turn: turn, sequence: sequence, source: .input, transcription: transcript)))
            }
        }
        if content.interrupted == true {
            // The service cut its reply; what follows is a new reply.
            phase = .idle
            actions.append(.flushVoice)
            actions += cutReply(of: turn)
        }
        for part in content.modelTurn?.parts ?? [] where phase != .dropping {
            if let blob = part.inlineData, blob.isAudio {
                phase = .responding
                actions.append(.playVoice(blob))
            }
            if let text = part.text, part.thought != true {
                phase = .responding
                actions.append(.emit(.text(turn: turn, sequence: nextSequence(), text: text)))
            }
        }
        if let transcript = content.outputTranscription, let text = transcript.text, phase != .dropping {
            phase = .responding
            let sequence = nextSequence()
            actions.append(
                .emit(.outputTranscription(turn: turn, sequence: sequence, text: text, finished: transcript.finished ?? false)))
            if transcript.carriesDetails {
                actions.append(.emit(.transcriptionDetail(turn: turn, sequence: sequence, source: .output, transcription: transcript)))
            }
        }
        if content.generationComplete == true {
            actions.append(.finishVoiceTurn)
            if phase != .dropping, interruptedTurn != turn { actions.append(.emit(.generationComplete(turn: turn))) }
        }
        return actions
    }

    /// Model audio went straight to the voice nodes (the connection's fast path, which drops it
    /// itself while the reply is dropped): the reply is arriving.
    mutating func voiceQueued() {
        if phase != .dropping { phase = .responding }
    }

    /// The service counted tokens.
    mutating func usage(_ metadata: UsageMetadata) {
        usage.add(metadata)
    }

    /// The model calls tools; `blocking` says which functions hold the model (and the service's
    /// realtime input) until they are answered.
    ///
    /// The service may cancel a pending call (after about 12 s) and send it again with the same
    /// id: a call the owner already answered is answered again with the same response, and a
    /// call still pending is not forwarded twice.
    mutating func toolCalls(_ calls: [FunctionCall], blocking: (String) -> Bool) -> [Action] {
        calls.map { call in
            let id = call.id ?? ""
            if !id.isEmpty, let answer = answers.last(where: { $0.id == id }) {
                repeatedCalls += 1
                return .resendAnswer(answer.response)
            }
            if !id.isEmpty, pendingCalls[id] != nil {
                repeatedCalls += 1
                return .ignoredRepeatedCall(id: id)
            }
            pendingCalls[id] = PendingCall(name: call.name, blocking: blocking(call.name))
            return .emit(.toolCall(id: id, name: call.name, arguments: (call.args ?? .object([:])).compactText))
        }
    }

    /// The service no longer waits for these calls.
    mutating func toolCallsCancelled(_ ids: [String]) -> [Action] {
        guard !ids.isEmpty else { return [] }
        let gated = gatesRealtimeInput
        for id in ids { pendingCalls[id] = nil }
        return [.emit(.toolCallCancellation(ids: ids))] + releaseIfOpened(wasGated: gated)
    }

    /// Realtime input the user sends: sent, or held while a blocking call is pending.
    /// A `frame` of a shared video stream replaces the frame held before.
    mutating func realtimeInput(_ message: ClientMessage, samples: Int, kept: Bool, frame: Bool = false) -> RealtimeDecision {
        guard gatesRealtimeInput else { return .send }
        if frame { return held.holdFrame(message).map(RealtimeDecision.replaced) ?? .held }
        return held.hold(message, samples: samples, kept: kept) ? .held : .dropped
    }

    /// The held input, to send once no blocking call is pending any more.
    private mutating func releaseIfOpened(wasGated: Bool) -> [Action] {
        guard wasGated, !gatesRealtimeInput else { return [] }
        return held.release().map(Action.sendHeld)
    }

    /// The model finished an utterance (`turnComplete`). `requestComplete` says whether the
    /// request is over too (``ServerContent/completesRequest``: no interaction status, or `IDLE`;
    /// python-genai's `_is_interaction_complete` and the live-api/thinking page). When it goes on
    /// (`IN_PROGRESS`: the extended-thinking model spoke a filler and works on), the turn goes on:
    /// `UtteranceComplete` marks the boundary, and the next utterance keeps the turn number.
    mutating func turnComplete(reason: String, requestComplete: Bool = true) -> [Action] {
        let boundary = Action.emit(.utteranceComplete(turn: turn, utterance: utterance, requestComplete: requestComplete))
        guard requestComplete else {
            utterance += 1
            return [.finishVoiceTurn, boundary]
        }
        let ended = turn
        turn += 1
        sequence = 0
        utterance = 0
        phase = .idle
        return [
            .finishVoiceTurn, boundary, .emit(.turnComplete(turn: ended, reason: reason)),
            .emit(.propertiesChanged(["Turn", "Usage"])),
        ]
    }


    // MARK: Tool responses

    /// The name of pending call `id`, or nil when none has that id.
    func pendingCall(_ id: String) -> PendingCall? {
        pendingCalls[id]
    }

    /// The owner answered call `id` with `response`; a call that will continue stays pending.
    /// Input held for a blocking call goes out after the answer.
    mutating func answered(_ response: FunctionResponse, willContinue: Bool) -> [Action] {
        guard !willContinue, let id = response.id else { return [] }
        let gated = gatesRealtimeInput
        pendingCalls[id] = nil
        answers.removeAll { $0.id == id }
        answers.append((id, response))
        if answers.count > Self.answersKept { answers.removeFirst(answers.count - Self.answersKept) }
        userInput()
        return releaseIfOpened(wasGated: gated)
    }

    // MARK: Connections

    /// The session moved to a new connection: a reply in progress is generated again from the
    /// resent input, and the pending calls are cancelled (the model calls again, with new ids).
    mutating func resumed() -> [Action] {
        phase = .idle
        guard !pendingCalls.isEmpty else { return [] }
        let gated = gatesRealtimeInput
        let ids = pendingCalls.keys.sorted()
        pendingCalls = [:]
        return [.emit(.toolCallCancellation(ids: ids))] + releaseIfOpened(wasGated: gated)
    }

    private mutating func nextSequence() -> UInt64 {
        defer { sequence += 1 }
        return sequence
    }
}

extension Blob {
    /// True for an `audio/…` MIME type in any letter case.
    fileprivate var isAudio: Bool {
        mimeType.utf8.prefix(6).lazy.map { $0 | 0x20 }.elementsEqual("audio/".utf8)
    }
}
