/// Who a transcript fragment belongs to.
enum Speaker: String, Sendable, Encodable {
    /// The user (InputTranscription).
    case user
    /// The model's speech (OutputTranscription).
    case model
    /// The model's text reply (Text, TEXT modality).
    case text
}

/// One thing `watch` shows, in transcript order.
enum TranscriptEvent: Sendable, Equatable {
    case fragment(turn: UInt64, sequence: UInt64, speaker: Speaker, text: String)
    case interrupted(turn: UInt64)
    case generationComplete(turn: UInt64)
    case turnComplete(turn: UInt64, reason: String)
    case toolCall(id: String, name: String, arguments: String)
    case toolCallCancellation(ids: [String])
    case goAway(timeLeft: Double)
    case closed(code: UInt32, reason: String, explanation: String)
}

/// Puts a session's signals into transcript order: fragments of a turn by their sequence number, released as soon
/// as every earlier fragment of the turn has been seen; the rest of a turn (in sequence order) when the turn ends,
/// is interrupted, or the session closes.
///
/// A watcher that joins in the middle of a turn starts that turn at the first sequence it sees.
struct TranscriptAssembler: Sendable {
    private var nextSequence: [UInt64: UInt64] = [:]
    private var pending: [UInt64: [UInt64: TranscriptEvent]] = [:]
    private var joinedTurn: UInt64?

    /// An assembler for a session whose current turn is `currentTurn` (its `Turn` property).
    init(currentTurn: UInt64? = nil) {
        joinedTurn = currentTurn
    }

    /// Takes one event and returns what can now be shown, in order.
    mutating func accept(_ event: TranscriptEvent) -> [TranscriptEvent] {
        switch event {
        case .fragment(let turn, let sequence, _, _):
            if nextSequence[turn] == nil { nextSequence[turn] = turn == joinedTurn ? sequence : 0 }
            pending[turn, default: [:]][sequence] = event
            return release(turn)
        case .interrupted(let turn), .generationComplete(let turn):
            return release(turn) + [event]
        case .turnComplete(let turn, _):
            let earlier = pending.keys.filter { $0 <= turn }.sorted()
            return earlier.flatMap { flush($0) } + [event]
        case .closed:
            return pending.keys.sorted().flatMap { flush($0) } + [event]
        case .toolCall, .toolCallCancellation, .goAway:
            return [event]
        }
    }

    /// The contiguous fragments of `turn` from the next expected sequence on.
    private mutating func release(_ turn: UInt64) -> [TranscriptEvent] {
        var released: [TranscriptEvent] = []
        var next = nextSequence[turn] ?? 0
        while let event = pending[turn]?.removeValue(forKey: next) {
            released.append(event)
            next += 1
        }
        nextSequence[turn] = next
        if pending[turn]?.isEmpty == true { pending[turn] = nil }
        return released
    }

    /// Every fragment still held for `turn`, in sequence order (a gap is skipped).
    private mutating func flush(_ turn: UInt64) -> [TranscriptEvent] {
        let held = pending.removeValue(forKey: turn) ?? [:]
        if let last = held.keys.max() { nextSequence[turn] = last + 1 }
        return held.keys.sorted().compactMap { held[$0] }
    }
}

extension TranscriptEvent {
    /// The event a session signal carries, or nil for other signals.
    init?(member: String, arguments: [DBusValueReader]) {
        let a = arguments
        switch member {
        case "InputTranscription", "OutputTranscription":
            guard a.count == 4, let turn = a[0].uint64, let sequence = a[1].uint64, let text = a[2].string else { return nil }
            self = .fragment(turn: turn, sequence: sequence, speaker: member == "InputTranscription" ? .user : .model, text: text)
        case "Text":
            guard a.count == 3, let turn = a[0].uint64, let sequence = a[1].uint64, let text = a[2].string else { return nil }
            self = .fragment(turn: turn, sequence: sequence, speaker: .text, text: text)
        case "Interrupted":
            guard let turn = a.first?.uint64 else { return nil }
            self = .interrupted(turn: turn)
        case "GenerationComplete":
            guard let turn = a.first?.uint64 else { return nil }
            self = .generationComplete(turn: turn)
        case "TurnComplete":
            guard a.count == 2, let turn = a[0].uint64, let reason = a[1].string else { return nil }
            self = .turnComplete(turn: turn, reason: reason)
        case "ToolCall":
            guard a.count == 3, let id = a[0].string, let name = a[1].string, let arguments = a[2].string else { return nil }
            self = .toolCall(id: id, name: name, arguments: arguments)
        case "ToolCallCancellation":
            guard let ids = a.first?.strings else { return nil }
            self = .toolCallCancellation(ids: ids)
        case "GoAway":
            guard let timeLeft = a.first?.double else { return nil }
            self = .goAway(timeLeft: timeLeft)
        case "Closed":
            guard a.count == 3, let code = a[0].uint32, let reason = a[1].string, let explanation = a[2].string else { return nil }
            self = .closed(code: code, reason: reason, explanation: explanation)
        default:
            return nil
        }
    }
}
