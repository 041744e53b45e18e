/// The second line of defence against echo: while the model's voice plays, and for a short
/// ``tail`` after, an input transcription that only repeats what the model just said is the
/// model hearing itself, not the user, and is not emitted as the user's words.
///
/// The rule: the fragment's words, normalized (lowercased; letters and digits only, so
/// punctuation and case do not matter), must be non-empty, and at least ``matchFraction`` of
/// them must appear, in order, among the last ``recentWordLimit`` words of the output
/// transcription heard within ``memory``. A fragment with any word the model did not say in
/// that order (the user's own words) is admitted, as is everything once the voice is silent.
/// The filter only ever withholds input transcription text: the audio still reaches the service.
public struct EchoTranscriptFilter: Sendable {
    /// How long after the voice stops an echo can still arrive (room reverberation plus the
    /// service's transcription delay).
    public var tail: Duration
    /// The share of a fragment's words that must repeat the output for it to count as echo.
    public var matchFraction: Double
    /// How far back the output transcription is remembered.
    public var memory: Duration
    /// How many recent output words are compared.
    public var recentWordLimit: Int

    private var words: [(word: String, at: ContinuousClock.Instant)] = []
    private var voiceUntil: ContinuousClock.Instant?

    /// A filter with a 1.5 s tail, 80 % of the words matching, 20 s and 200 words of memory.
    public init(tail: Duration = .milliseconds(1500), matchFraction: Double = 0.8, memory: Duration = .seconds(20),
                recentWordLimit: Int = 200) {
        self.tail = tail
        self.matchFraction = matchFraction
        self.memory = memory
        self.recentWordLimit = recentWordLimit
    }

    /// The voice plays (or is queued to play) until `until`.
    public mutating func voicePlays(until: ContinuousClock.Instant) {
        if let current = voiceUntil, current >= until { return }
        voiceUntil = until
    }

    /// The model's output transcription `text` arrived at `now` (it is being spoken).
    public mutating func heardOutput(_ text: String, now: ContinuousClock.Instant) {
        voicePlays(until: now)
        for word in Self.normalizedWords(text) { words.append((word, now)) }
        let oldest = now - memory
        if let keep = words.firstIndex(where: { $0.at >= oldest }) {
            words.removeFirst(keep)
        } else {
            words.removeAll()
        }
        if words.count > recentWordLimit { words.removeFirst(words.count - recentWordLimit) }
    }

    /// Whether the input transcription fragment `inputText`, arriving at `now`, is the user's
    /// words (true) or the model's own voice coming back (false).
    public func admits(_ inputText: String, now: ContinuousClock.Instant) -> Bool {
        guard let voiceUntil, now <= voiceUntil + tail else { return true }
        let fragment = Self.normalizedWords(inputText)
        guard !fragment.isEmpty else { return true }
        let oldest = now - memory
        let recent = words.filter { $0.at >= oldest }.map(\.word)
        // Greedy in-order matching: each fragment word is looked for after the previous match;
        // a word the model did not say is skipped without moving on.
        var position = 0
        var matched = 0
        for word in fragment {
            if let index = recent[position...].firstIndex(of: word) {
                matched += 1
                position = index + 1
            }
        }
        return Double(matched) < matchFraction * Double(fragment.count)
    }

    /// `text`'s words, lowercased, with everything but letters and digits removed.
    static func normalizedWords(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber && $0 != "'" }
            .map { $0.filter { $0.isLetter || $0.isNumber } }
            .filter { !$0.isEmpty }
    }
}
