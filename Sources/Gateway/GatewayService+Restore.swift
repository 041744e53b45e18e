import DBusService
import Foundation
import LiveClient
import LiveProtocol
import Logging
import Synchronization

extension GatewayService {
    /// Records the new resumable handle of the detached session at `path`.
    func remember(_ handle: String, path: DBusObjectPath) {
        guard let store, let session = registry.withLock({ $0.sessions.first { $0.path == path }?.session }),
            let userID = session.detachedUserID
        else { return }
        var configuration = session.configuration
        configuration.resumeHandle = nil
        store.record(
            ResumptionStore.Entry(
                id: session.id, handle: handle, configuration: configuration, owner: session.owner, userID: userID,
                idleTimeoutSeconds: Int(session.idleTimeout.components.seconds), savedAt: Date()))
    }

    /// Resumes the detached sessions an earlier run recorded, at their old paths. A session whose
    /// handle the service no longer knows ends (`Closed`) and is forgotten.
    func restoreSessions(on bus: DBusConnection) async {
        guard let store, let client = configuration.client else { return }
        for entry in store.resumable() {
            guard let path = try? DBusObjectPath("\(GatewayConfiguration.managerPath)/session/\(entry.id)") else {
                store.forget(id: entry.id)
                continue
            }
            if let number = Int(entry.id) {
                registry.withLock { $0.nextID = max($0.nextID, number + 1) }
            }
            var sessionConfiguration = entry.configuration
            sessionConfiguration.resumeHandle = entry.handle
            let session = LiveSession(
                id: entry.id, owner: entry.owner, configuration: sessionConfiguration,
                setup: sessionConfiguration.setup(for: client.endpoint), detachedUserID: entry.userID,
                idleTimeout: .seconds(entry.idleTimeoutSeconds), stallTimeout: configuration.stallTimeout,
                audio: configuration.audio?.nodes,
                endingCause: { [weak self] in self?.isShuttingDown == true ? .shutdown : nil },
                emit: { [weak self] event, values in self?.emit(event, values: values, path: path, bus: bus) })
            do {
                try await launch(session, at: path, on: bus, limit: .max)
                logger.notice("resuming detached session \(entry.id) from the handle saved at \(entry.savedAt)")
            } catch {
                logger.warning("could not resume detached session \(entry.id): \(error)")
                store.forget(id: entry.id)
            }
        }
    }
}
