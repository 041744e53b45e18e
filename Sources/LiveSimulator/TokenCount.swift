/// The simulator's token arithmetic: about 4 characters of text or 1/32 s of audio per token.
enum TokenCount {
    /// Tokens of `text` (at least 1 for non-empty text).
    static func text(_ text: String) -> Int {
        text.isEmpty ? 0 : max(1, (text.utf8.count + 3) / 4)
    }

    /// Tokens of `seconds` of audio (32 per second).
    static func audio(seconds: Double) -> Int {
        seconds <= 0 ? 0 : Int((seconds * 32).rounded(.up))
    }
}
