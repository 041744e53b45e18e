import LiveProtocol

/// Realtime input the session holds back while the service cannot take it: while a blocking tool
/// call is pending, the service closes the session 1008 on audio, `activityStart`/`activityEnd` or
/// `audioStreamEnd` (issue reports livekit/agents#4545, google/adk-python#4679; the simulator does
/// the same).
///
/// The rule: what the user says meanwhile is held, in order, and sent right after the tool
/// response, so the model hears it once it can listen again. Audio is held up to
/// ``capacitySamples`` (5 s at 16 kHz, 160 KB): the start of what the user said is what lets the
/// model follow it, so past the bound the newest audio is dropped and counted (the session's
/// `AudioDroppedSeconds`), never silently. Control messages are tiny and always held.
struct HeldInput: Sendable, Hashable {
    /// One held message, and whether it is kept for resumption once sent (audio is; control
    /// messages are not).
    struct Entry: Sendable, Hashable {
        let message: ClientMessage
        let kept: Bool
    }

    /// The most audio held, in 16 kHz samples.
    static let capacitySamples = 5 * 16_000

    private(set) var entries: [Entry] = []
    /// Audio samples held now.
    private(set) var heldSamples = 0
    /// Audio samples dropped because the bound was reached, over the session.
    private(set) var droppedSamples = 0

    /// Holds `message` (carrying `samples` of audio); false when it was dropped instead.
    mutating func hold(_ message: ClientMessage, samples: Int, kept: Bool) -> Bool {
        guard samples == 0 || heldSamples + samples <= Self.capacitySamples else {
            droppedSamples += samples
            return false
        }
        heldSamples += samples
        entries.append(Entry(message: message, kept: kept))
        return true
    }

    /// Everything held, oldest first; the holder is empty afterwards.
    mutating func release() -> [Entry] {
        defer {
            entries.removeAll()
            heldSamples = 0
        }
        return entries
    }
}
