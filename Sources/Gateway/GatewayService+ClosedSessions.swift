import DBusService
import Foundation
import Logging
import Synchronization

extension GatewayService {
    /// `NotFound` for a call to the path of a session that closed lately, saying when and why;
    /// nil for a path that never held a session (or one closed too long ago).
    func explainMissingSession(at path: DBusObjectPath) -> DBusError? {
        let now = Date()
        guard let entry = registry.withLock({ $0.closed.entry(for: path.rawValue, now: now) }) else { return nil }
        return DBusError(GatewayError.notFound, ClosedSessionLog.message(for: entry, now: now))
    }

    /// Why `session` closed, as the end of a sentence "The session … was closed at … ".
    func closedReason(of session: LiveSession, process: String?) async -> String {
        let owner = session.owner + (process.map { " (\($0))" } ?? "")
        switch await session.closeCause {
        case .ownerLeft:
            return "when its owner \(owner) left the bus; \(Self.detachedHint)"
        case .owner:
            return "by its owner \(owner) with Close()."
        case .idle(let timeout):
            return "after \(timeout.components.seconds) s without a method call (its idle_timeout); pass a longer \"idle_timeout\" to StartSession to keep it longer."
        case .clientDisconnected:
            return "when its Live client disconnected from the local Live endpoint."
        case .shutdown:
            return "because the gateway shut down; detached sessions are resumed when it starts again."
        case nil:
            let lastError = await session.lastError
            return lastError.isEmpty ? "by the service, which ended the connection." : "by the service: \(lastError)"
        }
    }

    /// How to keep a session after its caller exits.
    static let detachedHint =
        "an owner-bound session ends with its owner: pass detached=true (\"detached\": <true> in StartSession's options, as `gemini-live start` does) to keep a session after the caller exits."

    /// Logs the hint when the owner of an owner-bound session left within a second of starting it
    /// (`busctl call … StartSession`, which exits at once).
    func warnIfOwnerLeftEarly(_ session: LiveSession, process: String?, startedAt: ContinuousClock.Instant) {
        guard ContinuousClock.now - startedAt < .seconds(1) else { return }
        let owner = session.owner + (process.map { " (\($0))" } ?? "")
        logger.warning("session \(session.id) closed when its owner \(owner) left the bus within a second of starting it; \(Self.detachedHint)")
    }

    /// The command name of the process behind bus name `name` (from /proc), if the bus tells its PID.
    func processName(of name: String, on bus: DBusConnection) async -> String? {
        guard let pid = try? await bus.credentials(of: name).processID,
            let data = FileManager.default.contents(atPath: "/proc/\(pid)/comm")
        else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
