/// What a session remembers across turns and resumptions: the model, the turns so far and the
/// tokens they cost.
struct ConversationState: Sendable, Hashable {
    /// One remembered turn.
    struct Entry: Sendable, Hashable {
        /// `user` or `model`.
        var role: String
        /// The turn's text (a reply as far as it was played when interrupted).
        var text: String
        /// Seconds of audio the turn carried.
        var audioSeconds: Double
    }

    /// The bare model id the session was set up with.
    var modelID: String
    /// User turns so far, resumed connections included.
    var userTurns = 0
    /// Every turn, in order.
    var entries: [Entry] = []
    /// Seconds of user audio before the current turn's: where transcript offsets count from.
    var inputAudioSeconds: Double = 0

    /// Tokens of the whole context, split into text and audio.
    var contextTokens: (text: Int, audio: Int) {
        entries.reduce((0, 0)) { sum, entry in
            (sum.0 + TokenCount.text(entry.text), sum.1 + TokenCount.audio(seconds: entry.audioSeconds))
        }
    }
}
