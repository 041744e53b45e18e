import Synchronization

/// The simulator's connection bookkeeping: numbers WebSocket connections, hands each one the next
/// queued fault script, and counts live sessions against the quota.
final class ConnectionLedger: Sendable {
    private struct State {
        var nextConnection = 1
        var queuedFaults: [FaultScript] = []
        var liveSessions = 0
    }

    private let state = Mutex(State())

    /// The next connection's number and its queued fault script, if any.
    func openConnection() -> (number: Int, faults: FaultScript?) {
        state.withLock { state in
            let number = state.nextConnection
            state.nextConnection += 1
            let faults = state.queuedFaults.isEmpty ? nil : state.queuedFaults.removeFirst()
            return (number, faults)
        }
    }

    /// Queues `faults` for the next connection that opens.
    func enqueue(_ faults: FaultScript) {
        state.withLock { $0.queuedFaults.append(faults) }
    }

    /// Counts one more live session unless `limit` is reached; false when refused.
    func acquireSession(limit: Int?) -> Bool {
        state.withLock { state in
            if let limit, state.liveSessions >= limit { return false }
            state.liveSessions += 1
            return true
        }
    }

    /// A counted session ended.
    func releaseSession() {
        state.withLock { $0.liveSessions = max(0, $0.liveSessions - 1) }
    }
}
