/// Something a session reports to its listeners; the bus surface turns each into a signal of
/// `io.github.geminilive.Gateway1.Session` or a `PropertiesChanged`.
public enum SessionEvent: Sendable, Hashable {
    case inputTranscription(turn: UInt64, sequence: UInt64, text: String, finished: Bool)
    case outputTranscription(turn: UInt64, sequence: UInt64, text: String, finished: Bool)
    case text(turn: UInt64, sequence: UInt64, text: String)
    case generationComplete(turn: UInt64)
    /// The model finished one utterance of the request of `turn` (the extended-thinking model may
    /// speak several); `requestComplete` on the last, which `turnComplete` follows.
    case utteranceComplete(turn: UInt64, utterance: UInt32, requestComplete: Bool)
    case turnComplete(turn: UInt64, reason: String)
    case interrupted(turn: UInt64)
    case toolCall(id: String, name: String, arguments: String)
    case toolCallCancellation(ids: [String])
    case goAway(timeLeft: Double)
    /// The session moved to a new connection; `contextKept` is false when the service no longer
    /// knew the handle and the session continues as a fresh one.
    case resumed(contextKept: Bool)
    /// The service gave the session a new resumable handle.
    case resumable(handle: String)
    case closed(code: UInt32, reason: String, explanation: String)
    /// These properties changed; read their new values from the session.
    case propertiesChanged([String])
}

/// Where a session is in its life.
public enum SessionState: String, Sendable, Hashable {
    case connecting
    case active
    /// Moving to a new connection (after goAway or a drop); input is held and sent once resumed.
    case reconnecting
    case closing
    case closed
}
