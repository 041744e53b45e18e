import Foundation
import LiveProtocol
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The detached sessions a daemon restart must not lose: each one's latest resumable handle and
/// what it was started with, kept in a JSON file of mode 0600 (in a directory of mode 0700), by
/// default `$XDG_STATE_HOME/gemini-live-gateway/resumable-sessions.json`.
///
/// The gateway records a session whenever the service gives it a new resumable handle, forgets it
/// when the session ends for any reason but the gateway's own shutdown, and at start resumes every
/// session recorded less than ``maxAge`` ago (the service keeps a handle for two hours after the
/// session's last connection ended). The file holds handles, never the API key.
public final class ResumptionStore: Sendable {
    /// One resumable detached session.
    public struct Entry: Codable, Sendable, Hashable {
        /// The session's id (the last element of its object path).
        public var id: String
        /// The latest resumable handle.
        public var handle: String
        /// What the session was started with.
        public var configuration: SessionConfiguration
        /// The unique bus name that started it.
        public var owner: String
        /// The Unix user whose connections may control it.
        public var userID: UInt32
        /// How long it stays open without a method call, in seconds.
        public var idleTimeoutSeconds: Int
        /// When the handle arrived.
        public var savedAt: Date
    }

    /// How long a recorded handle is worth resuming: the Gemini API keeps one for 2 h.
    public static let maxAge: Duration = .seconds(2 * 3600)

    /// The file.
    public let path: String
    private let logger: Logger
    private let entries: Mutex<[String: Entry]>

    /// A store at `path`, reading what an earlier run left there.
    public init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
        entries = Mutex(Self.read(path, logger: logger))
    }

    /// `$XDG_STATE_HOME/gemini-live-gateway/resumable-sessions.json`, or under `~/.local/state`.
    public static func defaultPath(environment: [String: String]) -> String? {
        let base: String
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            base = state
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            base = home + "/.local/state"
        } else {
            return nil
        }
        return base + "/gemini-live-gateway/resumable-sessions.json"
    }

    /// The sessions recorded less than ``maxAge`` ago, oldest first; older ones are dropped.
    func resumable(now: Date = Date()) -> [Entry] {
        let (fresh, changed) = entries.withLock { entries -> ([Entry], Bool) in
            let before = entries.count
            entries = entries.filter { now.timeIntervalSince($0.value.savedAt) < Double(Self.maxAge.components.seconds) }
            return (entries.values.sorted { $0.savedAt < $1.savedAt }, entries.count != before)
        }
        if changed { persist() }
        return fresh
    }

    /// Records (or updates) a session's latest handle.
    func record(_ entry: Entry) {
        entries.withLock { $0[entry.id] = entry }
        persist()
    }

    /// Forgets a session that ended.
    func forget(id: String) {
        let removed = entries.withLock { $0.removeValue(forKey: id) != nil }
        if removed { persist() }
    }

    private func persist() {
        let snapshot = entries.withLock { $0.values.sorted { $0.savedAt < $1.savedAt } }
        do {
            try Self.write(snapshot, to: path)
        } catch {
            logger.warning("could not save the resumable sessions to \(path): \(error)")
        }
    }

    private static func read(_ path: String, logger: Logger) -> [String: Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        do {
            let list = try LiveJSON.decode([Entry].self, from: data, decoder: .iso8601())
            return Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { _, newer in newer })
        } catch {
            logger.warning("ignoring \(path), which is not a list of resumable sessions: \(error)")
            return [:]
        }
    }

    /// Writes `entries` to a temporary file of mode 0600 beside `path`, then renames it over `path`.
    private static func write(_ entries: [Entry], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(entries)
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StoreError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        fchmod(descriptor, 0o600)
        let written = data.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == data.count else { throw StoreError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        guard rename(temporary, path) == 0 else {
            throw StoreError("cannot replace \(path): \(String(cString: strerror(errno)))")
        }
    }

    private struct StoreError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

extension JSONDecoder {
    /// A decoder for ISO 8601 dates.
    static func iso8601() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
