/// The move of a session to a new connection after the service's `goAway`.
///
/// The gateway waits for a safe point (the service says the session is resumable: no generation
/// or tool call pending) and then opens the next connection with the latest handle. It never
/// waits past ``deadline``: then it moves at once, and a reply in progress is generated again on
/// the new connection from the input the gateway resends.
struct HandoverPlan: Sendable, Hashable {
    /// When the goAway arrived.
    let announced: ContinuousClock.Instant
    /// The latest moment to begin the move.
    let deadline: ContinuousClock.Instant

    /// A plan for a goAway with `timeLeft` seconds, keeping ``margin(for:)`` in reserve to connect.
    init(timeLeft: Double, now: ContinuousClock.Instant = .now) {
        let left = Duration.seconds(max(0, timeLeft.isFinite ? timeLeft : 0))
        announced = now
        deadline = now + left - Self.margin(for: left)
    }

    /// What is kept for opening the new connection: a quarter of the time left, at most 10 s.
    static func margin(for timeLeft: Duration) -> Duration {
        min(.seconds(10), timeLeft / 4)
    }
}

/// Why the session opens a connection.
enum LinkPurpose: Sendable, Hashable {
    /// The session's first connection (StartSession waits for it).
    case start
    /// A planned move after goAway, while the old connection is still open.
    case handover
    /// After the connection ended unexpectedly.
    case recovery
}

/// One connection the session opens: its number, the handle it resumes (nil: a fresh session),
/// and how long to wait first.
struct LinkPlan: Sendable, Hashable {
    /// 1 for the first connection, then 2, 3, …
    let number: Int
    let purpose: LinkPurpose
    let handle: String?
    let delay: Duration
}

/// Work the session's run loop carries out for it.
enum LinkJob: Sendable {
    /// Open (and then serve) a connection.
    case connect(LinkPlan)
    /// Begin the handover of connection `link` at `deadline` if it has not begun.
    case handoverDeadline(link: Int, deadline: ContinuousClock.Instant)
    /// At `deadline`, treat connection `link` as stalled if the reply it owes has not begun.
    case stallDeadline(link: Int, deadline: ContinuousClock.Instant)
}
