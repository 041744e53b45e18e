/// What a session is doing, for a shell indicator: one of four words, from three facts the
/// session keeps up to date.
///
/// `speaking` wins over the others (the model is audible, or its reply is still arriving: a user
/// who speaks over it sees `speaking` until the voice is silenced), then `listening` (the user
/// is speaking, by the gateway's own input level or an open manual activity), then `thinking`
/// (the user's turn ended and no reply has started), else `idle`.
struct ActivityIndicator: Sendable, Equatable {
    /// The four states, as the `Activity` property spells them.
    enum Activity: String, Sendable, CaseIterable {
        case idle
        case listening
        case thinking
        case speaking
    }

    /// The user is speaking (loud input, or between StartActivity and EndActivity).
    var userSpeaking = false
    /// The user's turn ended (speech, activityEnd, text or a tool response) and no reply began yet.
    var awaitingReply = false
    /// A reply is arriving (between its first content and TurnComplete or Interrupted).
    var replyStreaming = false
    /// The model's voice is audible (samples are being played).
    var voiceAudible = false

    /// The state these facts add up to.
    var activity: Activity {
        if replyStreaming || voiceAudible { return .speaking }
        if userSpeaking { return .listening }
        if awaitingReply { return .thinking }
        return .idle
    }

    /// Whether the model is speaking (for barge-in: the user speaks over it).
    var modelAudible: Bool { replyStreaming || voiceAudible }
}
