/// When to try again after a connection dropped: exponential backoff inside a bounded budget.
///
/// The first retry waits ``initialDelay``; each later one waits twice as long, up to
/// ``maximumDelay``. Once ``budget`` has passed since the first failure of a series, the policy
/// gives up. A successful resume ends the series (``reset()``).
public struct ReconnectPolicy: Sendable, Hashable {
    /// The wait before the first retry (default 0.25 s).
    public var initialDelay: Duration
    /// The longest wait between two retries (default 4 s).
    public var maximumDelay: Duration
    /// How long a series of retries may last, from the first failure (default 30 s).
    public var budget: Duration

    private var started: ContinuousClock.Instant?
    private var nextDelay: Duration

    /// A policy; the defaults are 0.25 s doubling to 4 s within 30 s.
    public init(
        initialDelay: Duration = .milliseconds(250), maximumDelay: Duration = .seconds(4), budget: Duration = .seconds(30)
    ) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.budget = budget
        nextDelay = initialDelay
    }

    /// The wait before the next attempt, or nil when the budget is spent (the attempt would start
    /// after it ends).
    mutating func delay(now: ContinuousClock.Instant = .now) -> Duration? {
        let started = self.started ?? now
        self.started = started
        let delay = nextDelay
        guard now + delay - started <= budget else { return nil }
        nextDelay = min(maximumDelay, nextDelay * 2)
        return delay
    }

    /// Attempts so far in the current series, counted by their waits.
    var isRetrying: Bool { started != nil }

    /// A connection was resumed: the next failure starts a new series.
    mutating func reset() {
        started = nil
        nextDelay = initialDelay
    }
}
