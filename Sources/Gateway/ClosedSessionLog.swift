import Foundation

/// The sessions that closed recently and why, so that a call to one answers `NotFound` with the
/// reason instead of a bare "no such object": bounded both in count and in age, oldest first out.
struct ClosedSessionLog: Sendable {
    /// One closed session.
    struct Entry: Sendable, Equatable {
        /// Its object path.
        var path: String
        /// When it closed (wall clock, for the message).
        var closedAt: Date
        /// Why, as one sentence: "its owner :1.42 (busctl) left the bus; pass …".
        var reason: String
    }

    /// How many closed sessions are remembered.
    let capacity: Int
    /// How long one is remembered.
    let retention: TimeInterval
    private(set) var entries: [Entry] = []

    /// A log of at most `capacity` sessions, each kept for `retention` seconds.
    init(capacity: Int = 64, retention: TimeInterval = 600) {
        self.capacity = max(1, capacity)
        self.retention = retention
    }

    /// Remembers that the session at `path` closed at `time` for `reason` (a later close of the same
    /// path replaces the earlier one).
    mutating func record(path: String, at time: Date, reason: String) {
        entries.removeAll { $0.path == path }
        entries.append(Entry(path: path, closedAt: time, reason: reason))
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    }

    /// Forgets the entry of `path` (a new session was exported there).
    mutating func forget(path: String) {
        entries.removeAll { $0.path == path }
    }

    /// The entry of `path` if it closed within the retention before `now`; older entries are dropped.
    mutating func entry(for path: String, now: Date) -> Entry? {
        entries.removeAll { now.timeIntervalSince($0.closedAt) > retention }
        return entries.last { $0.path == path }
    }

    /// The `NotFound` message for `entry`, as seen at `now`.
    static func message(for entry: Entry, now: Date) -> String {
        let ago = max(0, Int(now.timeIntervalSince(entry.closedAt).rounded()))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return "The session \(entry.path) was closed at \(formatter.string(from: entry.closedAt)) (\(ago) s ago) \(entry.reason) ListSessions shows the open ones."
    }
}
