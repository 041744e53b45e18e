import DBusService

/// Whether a session's first connection came up: StartSession's caller waits for it.
///
/// Settled once (the first result wins); waiters that arrive later get it at once.
struct SessionReadiness: Sendable {
    private(set) var result: Result<Void, DBusError>?
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Adds a waiter; false (and the waiter not kept) when the result is already known.
    mutating func wait(_ waiter: CheckedContinuation<Void, Never>) -> Bool {
        guard result == nil else { return false }
        waiters.append(waiter)
        return true
    }

    /// Settles the readiness (once) and returns the waiters to resume.
    mutating func settle(_ result: Result<Void, DBusError>) -> [CheckedContinuation<Void, Never>] {
        guard self.result == nil else { return [] }
        self.result = result
        defer { waiters.removeAll() }
        return waiters
    }
}
