/// Covers the moment a freshly loaded echo canceller has not yet learned the room.
///
/// Measured in the virtual room (docs/echo-cancellation.md): a new WebRTC canceller lets the
/// first 100–150 ms of the first far-end sound through at about -40 dBFS (enough for a voice
/// detector to hear the model's first syllable as the user barging in), then removes more
/// than 60 dB. So after the canceller is loaded, the input captured during the first ``window``
/// of the session's voice is sent as silence of the same length (the service's timing is kept;
/// the seconds are counted in `EchoGuardSeconds`). Later replies are not touched.
public struct EchoConvergenceGuard: Sendable {
    /// How long after the first voice is queued the input is silenced: the jitter buffer, the
    /// room's delay and the canceller's convergence, with margin.
    public var window: Duration
    private var armed = false
    private var start: Int?
    private var end: Int?

    /// A guard of `window` (600 ms by default), not armed.
    public init(window: Duration = .milliseconds(600)) {
        self.window = window
    }

    /// A canceller was just loaded for the session: the next voice starts the window.
    public mutating func arm() {
        armed = true
        start = nil
        end = nil
    }

    /// The session queued voice at `nanoseconds` (``AudioNodes/AudioClock``).
    public mutating func voiceQueued(atNanoseconds now: Int) {
        guard armed else { return }
        armed = false
        start = now
        end = now + Int(window.components.seconds) * 1_000_000_000
            + Int(window.components.attoseconds / 1_000_000_000)
    }

    /// Whether a chunk whose last sample was captured at `capturedAt` (covering `duration`
    /// before it) falls in the window and is sent as silence.
    public func silences(capturedAt: Int, duration: Duration) -> Bool {
        guard let start, let end, capturedAt > 0 else { return false }
        let covered = Int(duration.components.seconds) * 1_000_000_000 + Int(duration.components.attoseconds / 1_000_000_000)
        return capturedAt >= start && capturedAt - covered <= end
    }
}
