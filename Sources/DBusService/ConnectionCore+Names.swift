import CDBus
import Dispatch
import Logging

/// Calls to the bus daemon: owning names, watching name owners, looking up peer credentials.
extension ConnectionCore {
    private static let busName = "org.freedesktop.DBus"
    private static let busPath = DBusObjectPath(unchecked: "/org/freedesktop/DBus")

    /// Calls a method of the bus daemon itself.
    func callBus(_ member: String, _ arguments: [DBusValue]) async throws(DBusError) -> [DBusValue] {
        let message = try BusMessage.methodCall(
            destination: Self.busName, path: Self.busPath, interface: Self.busName, member: member)
        try message.append(arguments)
        return try await send(message, timeout: nil).arguments()
    }

    func requestName(_ name: String) async throws {
        try BusNames.validateBusName(name)
        guard !name.hasPrefix(":") else { throw DBusError.invalidArgs("Cannot request the unique name \(name)") }
        let reply = try await callBus("RequestName", [.string(name), .uint32(UInt32(DBUS_NAME_FLAG_DO_NOT_QUEUE))])
        guard case .uint32(let code)? = reply.first else {
            throw DBusError.failed("RequestName returned \(reply) instead of a reply code")
        }
        switch Int32(bitPattern: code) {
        case DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER, DBUS_REQUEST_NAME_REPLY_ALREADY_OWNER:
            logger.info("Acquired bus name", metadata: ["name": "\(name)"])
        default:
            let owner = try? await callBus("GetNameOwner", [.string(name)]).first?.as(String.self)
            var processID: UInt32?
            if let owner {
                processID = try? await callBus("GetConnectionUnixProcessID", [.string(owner)]).first?.as(UInt32.self)
            }
            throw DBusNameOwnedError(name: name, owner: owner, ownerProcessID: processID)
        }
    }

    func releaseName(_ name: String) async throws(DBusError) {
        try BusNames.validateBusName(name)
        _ = try await callBus("ReleaseName", [.string(name)])
    }

    func credentials(of name: String) async throws(DBusError) -> DBusCredentials {
        try BusNames.validateBusName(name)
        let processID = try await callBus("GetConnectionUnixProcessID", [.string(name)]).first?.as(UInt32.self)
        let userID = try await callBus("GetConnectionUnixUser", [.string(name)]).first?.as(UInt32.self)
        return DBusCredentials(processID: processID, userID: userID)
    }

    // MARK: Name owner watches

    private static func matchRule(for name: String) -> String {
        "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
            + "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='\(name)'"
    }

    func watchNameOwner(_ name: String) async throws(DBusError) -> NameOwnerWatch {
        try BusNames.validateBusName(name)
        let watch: NameOwnerWatch = try await onQueue { () throws(DBusError) -> NameOwnerWatch in
            guard self.connection != nil else { throw Self.disconnectedError }
            self.nextWatchID += 1
            let watch = NameOwnerWatch(name: name, id: self.nextWatchID)
            self.nameWatches[watch.id] = WeakNameOwnerWatch(watch: watch, name: name)
            return watch
        }
        watch.setCancelHandler { [self, id = watch.id] in
            queue.async { self.removeNameWatch(id: id) }
        }
        do {
            _ = try await callBus("AddMatch", [.string(Self.matchRule(for: name))])
        } catch {
            // No rule was added, so none may be removed (it could be another watch's).
            watch.setCancelHandler { [self, id = watch.id] in
                queue.async { self.removeNameWatch(id: id, removingMatch: false) }
            }
            watch.cancel()
            throw error
        }
        do {
            _ = try await callBus("GetNameOwner", [.string(name)])
        } catch where error.name == .nameHasNoOwner {
            watch.deliver(NameOwnerChange(name: name, oldOwner: nil, newOwner: nil))
        }
        return watch
    }

    /// Unregisters a watch and removes the bus match it added. Every watch adds its own copy of the rule and the
    /// bus counts copies, so each watch removes exactly one.
    private func removeNameWatch(id: UInt64, removingMatch: Bool = true) {
        guard let entry = nameWatches.removeValue(forKey: id), connection != nil, removingMatch else { return }
        let rule = Self.matchRule(for: entry.name)
        Task {
            do {
                _ = try await self.callBus("RemoveMatch", [.string(rule)])
            } catch {
                self.logger.debug("RemoveMatch failed", metadata: ["name": "\(entry.name)", "error": "\(error)"])
            }
        }
    }

    func handleNameOwnerChanged(_ message: BusMessage) {
        guard let arguments = try? message.arguments(), arguments.count == 3,
              let name = arguments[0].as(String.self), let old = arguments[1].as(String.self),
              let new = arguments[2].as(String.self) else { return }
        let change = NameOwnerChange(name: name, oldOwner: old.isEmpty ? nil : old, newOwner: new.isEmpty ? nil : new)
        for entry in nameWatches.values where entry.name == name {
            entry.watch?.deliver(change)
        }
    }
}
