import AudioNodes

/// A session's `InputLevel` and `OutputLevel`: the peak of the captured input and of the voice
/// played, in dBFS (``AudioNodes/silenceDBFS`` for silence), each over the time since it was
/// last read.
///
/// The nodes keep a running maximum on PipeWire's realtime thread (an atomic: no allocation, no
/// lock); nothing reads it unless someone reads the properties. A read sooner than
/// ``minimumInterval`` after the previous one gets the previous values (at most 20 reads a
/// second); each read opens a ``watchWindow`` during which the session also emits
/// `PropertiesChanged` for them, at most ``publishInterval`` apart, when either moved by at least
/// ``publishStep``.
struct SessionLevels: Sendable {
    static let minimumInterval = Duration.milliseconds(50)
    static let publishInterval = Duration.milliseconds(66)
    static let watchWindow = Duration.seconds(5)
    static let publishStep = 1.0

    private(set) var input = silenceDBFS
    private(set) var output = silenceDBFS
    private var readAt: ContinuousClock.Instant?
    private var watchedUntil: ContinuousClock.Instant?
    private var published: (input: Double, output: Double)?

    /// The levels now, reading the nodes' peaks unless read within ``minimumInterval``; opens the
    /// watch window.
    mutating func read(_ nodes: SessionAudio?, now: ContinuousClock.Instant) -> (input: Double, output: Double) {
        watchedUntil = now + Self.watchWindow
        refresh(nodes, now: now)
        return (input, output)
    }

    /// Whether someone read the levels recently enough that changes are signalled.
    func isWatched(now: ContinuousClock.Instant) -> Bool {
        guard let watchedUntil else { return false }
        return now < watchedUntil
    }

    /// While watched: reads the nodes and says whether the change is worth a `PropertiesChanged`.
    mutating func publishable(_ nodes: SessionAudio?, now: ContinuousClock.Instant) -> Bool {
        guard isWatched(now: now) else {
            published = nil
            return false
        }
        refresh(nodes, now: now)
        if let published, abs(published.input - input) < Self.publishStep,
           abs(published.output - output) < Self.publishStep {
            return false
        }
        published = (input, output)
        return true
    }

    private mutating func refresh(_ nodes: SessionAudio?, now: ContinuousClock.Instant) {
        if let readAt, now - readAt < Self.minimumInterval { return }
        let stale = readAt.map { now - $0 > Self.watchWindow } ?? true
        readAt = now
        let inputPeak = nodes?.takeInputPeak() ?? 0
        let outputPeak = nodes?.takeOutputPeak() ?? 0
        // A first read after a long pause would report the loudest moment of the whole pause:
        // the running maximum restarts instead, and the next read measures from now.
        if stale, published == nil, input == silenceDBFS, output == silenceDBFS, inputPeak + outputPeak > 0 {
            return
        }
        input = decibelsFullScale(peak: inputPeak)
        output = decibelsFullScale(peak: outputPeak)
    }
}
