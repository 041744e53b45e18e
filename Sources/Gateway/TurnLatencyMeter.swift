/// What a voice user feels, measured per session from the gateway's own observations (times in
/// ``AudioNodes/AudioClock`` nanoseconds):
///
/// - response latency: the end of the user's speech (the last loud input chunk before a pause, or
///   `EndActivity()`) to the first sample of the reply played;
/// - barge-in latency: the user starting to speak over the voice to the voice going silent, counted
///   only when the reply was cut (by the service or `Interrupt()`); a reply that plays on to its end
///   over noise is not a barge-in.
///
/// A pure value: the session feeds it events, the properties read ``response`` and ``bargeIn``.
struct TurnLatencyMeter: Sendable {
    /// The latencies of one kind: the last one and percentiles over the session.
    struct Series: Sendable {
        private(set) var window = LatencyWindow()
        /// The most recent latency in milliseconds; nil before the first.
        private(set) var lastMilliseconds: Double?

        mutating func record(nanoseconds: Int) {
            window.record(nanoseconds: nanoseconds)
            lastMilliseconds = Double(nanoseconds) / 1e6
        }

        /// How many latencies were measured.
        var count: Int { window.count }
        func percentile(_ fraction: Double) -> Double? { window.percentile(fraction) }
    }

    private(set) var response = Series()
    private(set) var bargeIn = Series()
    /// When the user's speech ended, while the reply to it has not been heard yet.
    private var speechEndedAt: Int?
    /// When the user started speaking over the voice, while the voice still plays.
    private var bargeInFrom: Int?
    /// The reply the user spoke over was cut: the next silence ends the barge-in.
    private var replyCut = false

    /// The user started speaking; `overVoice` when the model's voice is playing (or its reply streaming).
    mutating func userStartedSpeaking(at time: Int, overVoice: Bool) {
        speechEndedAt = nil
        if overVoice, bargeInFrom == nil {
            bargeInFrom = time
            replyCut = false
        }
    }

    /// The user's speech ended at `time` (the last loud chunk, or the activityEnd).
    mutating func userStoppedSpeaking(at time: Int) {
        speechEndedAt = time
    }

    /// The first sample of a reply was played at `time`. Returns whether a latency was recorded.
    @discardableResult
    mutating func replyHeard(at time: Int) -> Bool {
        guard let ended = speechEndedAt else { return false }
        speechEndedAt = nil
        response.record(nanoseconds: max(0, time - ended))
        return true
    }

    /// The reply being played was cut short (Interrupted).
    mutating func replyWasCut() {
        if bargeInFrom != nil { replyCut = true }
    }

    /// The voice went silent at `time`. Returns whether a barge-in latency was recorded.
    @discardableResult
    mutating func voiceSilenced(at time: Int) -> Bool {
        guard let from = bargeInFrom else { return false }
        bargeInFrom = nil
        defer { replyCut = false }
        guard replyCut else { return false }
        bargeIn.record(nanoseconds: max(0, time - from))
        return true
    }

    /// The reply ended without being heard (nobody played it, or the turn produced no reply):
    /// the pending response measurement is dropped rather than stretched over the next turn.
    mutating func replyNotHeard() {
        speechEndedAt = nil
    }
}
