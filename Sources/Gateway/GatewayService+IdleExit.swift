import DBusService
import Logging
import Synchronization

extension GatewayService {
    /// Whether the gateway is in use, for ``GatewayConfiguration/exitWhenIdle``: it is busy while a
    /// session is open or a StartSession call is in flight.
    struct Activity: Sendable {
        /// StartSession calls not yet answered.
        var startsInFlight = 0
        /// When the gateway last became idle; nil while it is busy, and before the idle timer starts.
        var idleSince: ContinuousClock.Instant?
        /// Set once the idle timer has fired: StartSession is refused from then on.
        var exiting = false
    }

    /// Counts a StartSession call as activity until ``endStart()``.
    /// - Throws: `InvalidState` once the gateway is exiting because it was idle.
    func beginStart() throws(DBusError) {
        let exiting = activity.withLock { activity in
            guard !activity.exiting else { return true }
            activity.startsInFlight += 1
            activity.idleSince = nil
            return false
        }
        if exiting {
            throw DBusError(GatewayError.invalidState, "The gateway is exiting after being idle; call again to start it anew.")
        }
    }

    /// Ends what ``beginStart()`` began.
    func endStart() {
        activity.withLock { $0.startsInFlight -= 1 }
        markIdleIfQuiet()
    }

    /// Starts the idle time when no session is open and no StartSession call is in flight.
    func markIdleIfQuiet() {
        activity.withLock { activity in
            guard activity.idleSince == nil, activity.startsInFlight == 0,
                registry.withLock({ $0.sessions.isEmpty })
            else { return }
            activity.idleSince = .now
        }
    }

    /// Waits until the gateway has been idle for `idleTime` without a break, then stops serving
    /// as graceful shutdown does, so that ``run()`` returns. Returns early when cancelled.
    ///
    /// While the gateway is busy this looks again every `idleTime`; becoming idle needs no wake-up,
    /// since the idle time counts from the moment it began.
    func exitWhenIdle(after idleTime: Duration) async {
        markIdleIfQuiet()
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let wake = activity.withLock { activity -> ContinuousClock.Instant? in
                guard let since = activity.idleSince else { return now + idleTime }
                guard now < since + idleTime else {
                    activity.exiting = true
                    return nil
                }
                return since + idleTime
            }
            guard let wake else {
                logger.notice("no session for \(idleTime); exiting (exit when idle)")
                stopServing()
                return
            }
            try? await Task.sleep(until: wake)
        }
    }
}
