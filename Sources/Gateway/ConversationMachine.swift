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
    }

    /// A tool call the service waits for.
    struct PendingCall: Sendable, Hashable {
        let name: String
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

    /// True while the model's reply is arriving (and not being dropped).
    var modelSpeaking: Bool { phase == .responding }

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
        if let transcript = content.inputTranscription, let text = transcript.text {
            actions.append(
                .emit(.inputTranscription(turn: turn, sequence: nextSequence(), text: text, finished: transcript.finished ?? false)))
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
            actions.append(
                .emit(.outputTranscription(turn: turn, sequence: nextSequence(), text: text, finished: transcript.finished ?? false)))
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

    /// The model calls tools.
    mutating func toolCalls(_ calls: [FunctionCall]) -> [Action] {
        calls.map { call in
            let id = call.id ?? ""
            pendingCalls[id] = PendingCall(name: call.name)
            return .emit(.toolCall(id: id, name: call.name, arguments: (call.args ?? .object([:])).compactText))
        }
    }

    /// The service no longer waits for these calls.
    mutating func toolCallsCancelled(_ ids: [String]) -> [Action] {
        guard !ids.isEmpty else { return [] }
        for id in ids { pendingCalls[id] = nil }
        return [.emit(.toolCallCancellation(ids: ids))]
    }

    /// The model finished an utterance. With `requestComplete` (no interaction status, or
    /// `IDLE`) the request is over: `TurnComplete` and the next turn number.
    mutating func turnComplete(reason: String, requestComplete: Bool = true) -> [Action] {
        guard requestComplete else { return [.finishVoiceTurn] }
        let ended = turn
        turn += 1
        sequence = 0
        phase = .idle
        return [.finishVoiceTurn, .emit(.turnComplete(turn: ended, reason: reason)), .emit(.propertiesChanged(["Turn", "Usage"]))]
    }

    // MARK: Tool responses

    /// The name of pending call `id`, or nil when none has that id.
    func pendingCall(_ id: String) -> PendingCall? {
        pendingCalls[id]
    }

    /// The owner answered call `id`; a call that will continue stays pending.
    mutating func answered(_ id: String, willContinue: Bool) {
        guard !willContinue else { return }
        pendingCalls[id] = nil
        userInput()
    }

    // MARK: Connections

    /// The session moved to a new connection: a reply in progress is generated again from the
    /// resent input, and the pending calls are cancelled (the model calls again, with new ids).
    mutating func resumed() -> [Action] {
        phase = .idle
        guard !pendingCalls.isEmpty else { return [] }
        let ids = pendingCalls.keys.sorted()
        pendingCalls = [:]
        return [.emit(.toolCallCancellation(ids: ids))]
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
