import Synchronization

/// Session resumption: conversation snapshots by handle, shared by every connection of a
/// simulator.
///
/// Each handle the simulator issues maps to its session and to the conversation as it was when
/// the handle was sent. A handle stays valid while its session has a live connection and for
/// ``SimulatorConfiguration/handleLifetime`` after the session's last connection ended (the
/// service documents 2 hours). Handles are random, so a guessed one is never valid.
final class ConversationStore: Sendable {
    private struct Session {
        var liveConnections = 0
        var endedAt: ContinuousClock.Instant?
    }

    private struct State {
        var nextSession = 1
        var sessions: [Int: Session] = [:]
        var handles: [String: (session: Int, conversation: ConversationState)] = [:]
    }

    private let state = Mutex(State())
    private let handleLifetime: Duration

    init(handleLifetime: Duration) {
        self.handleLifetime = handleLifetime
    }

    /// Starts a new session with one live connection; returns its id.
    func startSession() -> Int {
        state.withLock { state in
            let id = state.nextSession
            state.nextSession += 1
            state.sessions[id] = Session(liveConnections: 1)
            return id
        }
    }

    /// The session and conversation behind `handle`, with one more live connection; nil when the
    /// handle is unknown or expired.
    func resume(handle: String, now: ContinuousClock.Instant = .now) -> (session: Int, conversation: ConversationState)? {
        state.withLock { state in
            guard let entry = state.handles[handle], var session = state.sessions[entry.session] else { return nil }
            if session.liveConnections == 0, let endedAt = session.endedAt, now - endedAt > handleLifetime {
                return nil
            }
            session.liveConnections += 1
            session.endedAt = nil
            state.sessions[entry.session] = session
            return entry
        }
    }

    /// A new handle for `session` at the point `conversation` describes.
    func issueHandle(session: Int, conversation: ConversationState) -> String {
        let handle = Self.randomHandle()
        state.withLock { $0.handles[handle] = (session, conversation) }
        return handle
    }

    /// One of the session's connections ended.
    func connectionEnded(session: Int, now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            guard var entry = state.sessions[session] else { return }
            entry.liveConnections = max(0, entry.liveConnections - 1)
            if entry.liveConnections == 0 { entry.endedAt = now }
            state.sessions[session] = entry
        }
    }

    private static func randomHandle() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var generator = SystemRandomNumberGenerator()
        return String((0..<64).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
