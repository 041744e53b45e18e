import Dispatch
import Logging

/// Exporting objects, `org.freedesktop.DBus.ObjectManager`, and signal emission.
extension ConnectionCore {
    func export(_ object: ExportedObject) async throws {
        try object.validate()
        let manager = try await onQueue { () throws(DBusError) -> DBusObjectPath? in
            guard self.connection != nil else { throw Self.disconnectedError }
            return self.manager(of: object.path)
        }
        let added: DBusValue? = manager == nil ? nil : await interfacesAndProperties(of: object)
        let error: DBusExportError? = try await onQueue { () throws(DBusError) -> DBusExportError? in
            guard self.connection != nil else { throw Self.disconnectedError }
            guard self.objects[object.path] == nil else {
                return DBusExportError("An object is already exported at \(object.path)")
            }
            self.objects[object.path] = object
            if let manager = self.manager(of: object.path) {
                try self.emit(
                    path: manager, interface: StandardInterfaces.objectManager, member: "InterfacesAdded",
                    arguments: [.objectPath(object.path), added ?? DBusValue([String: [String: DBusValue]]())])
            }
            return nil
        }
        if let error { throw error }
    }

    func unexport(_ path: DBusObjectPath) async -> Bool {
        (try? await onQueue { () throws(DBusError) -> Bool in
            guard let object = self.objects.removeValue(forKey: path) else { return false }
            if let manager = self.manager(of: path) {
                try self.emit(
                    path: manager, interface: StandardInterfaces.objectManager, member: "InterfacesRemoved",
                    arguments: [.objectPath(path), DBusValue(object.interfaces.map(\.name))])
            }
            return true
        }) ?? false
    }

    func addObjectManager(at path: DBusObjectPath) async throws(DBusError) {
        try await onQueue { () throws(DBusError) in
            guard self.connection != nil else { throw Self.disconnectedError }
            self.managers.insert(path)
        }
    }

    func setMissingObjectExplainer(_ explainer: @escaping DBusMissingObjectExplainer) async throws(DBusError) {
        try await onQueue { () throws(DBusError) in
            guard self.connection != nil else { throw Self.disconnectedError }
            self.missingObjectExplainer = explainer
        }
    }

    /// The nearest object manager strictly above `path`, if any.
    func manager(of path: DBusObjectPath) -> DBusObjectPath? {
        var candidate = path.parent
        while let current = candidate {
            if managers.contains(current) { return current }
            candidate = current.parent
        }
        return nil
    }

    /// `GetManagedObjects`: every object whose nearest manager is `path`.
    func managedObjects(below path: DBusObjectPath, for message: BusMessage) -> Routed {
        let managed = objects.values.filter { manager(of: $0.path) == path }
        return replyLater(to: message) { () throws(DBusError) -> [DBusValue] in
            var entries: [DBusValue: DBusValue] = [:]
            for object in managed {
                entries[.objectPath(object.path)] = await self.interfacesAndProperties(of: object)
            }
            return [.dictionary(key: .objectPath, value: StandardInterfaces.interfacesAndProperties, entries)]
        }
    }

    /// `a{sa{sv}}` for an object; a property whose getter fails is left out (and logged), not fatal.
    func interfacesAndProperties(of object: ExportedObject) async -> DBusValue {
        var result: [String: [String: DBusValue]] = [:]
        for interface in object.interfaces {
            var values: [String: DBusValue] = [:]
            for property in interface.description.properties where property.isReadable {
                do {
                    values[property.name] = try await Self.read(property, of: interface)
                } catch {
                    logger.warning(
                        "Leaving out a property that cannot be read",
                        metadata: ["path": "\(object.path)", "property": "\(interface.name).\(property.name)", "error": "\(error)"])
                }
            }
            result[interface.name] = values
        }
        return DBusValue(result)
    }

    // MARK: Signals

    func emitSignal(path: DBusObjectPath, interface name: String, member: String, arguments: [DBusValue]) async throws(DBusError) {
        try await onQueue { () throws(DBusError) in
            guard let object = self.objects[path] else { throw .invalidArgs("No object is exported at \(path)") }
            guard let interface = object.interface(named: name) else {
                throw .invalidArgs("Object \(path) has no interface \(name)")
            }
            try self.emit(path: path, interface: interface.description, member: member, arguments: arguments)
        }
    }

    func queueSignal(
        path: DBusObjectPath, interface name: String, member: String, arguments: [DBusValue],
        failed: (@Sendable (DBusError) -> Void)?
    ) {
        post(failed, what: "signal \(name).\(member) at \(path)") { () throws(DBusError) in
            guard let object = self.objects[path] else { throw .invalidArgs("No object is exported at \(path)") }
            guard let interface = object.interface(named: name) else {
                throw .invalidArgs("Object \(path) has no interface \(name)")
            }
            try self.emit(path: path, interface: interface.description, member: member, arguments: arguments)
        }
    }

    /// Checks a signal against its declaration and sends it. Call on the queue.
    func emit(path: DBusObjectPath, interface: InterfaceDescription, member: String, arguments: [DBusValue]) throws(DBusError) {
        guard let signal = interface.signal(named: member) else {
            throw .invalidArgs("Interface \(interface.name) declares no signal \(member)")
        }
        let actual = DBusValue.signature(of: arguments)
        guard actual == signal.signature else {
            throw .invalidArgs(
                "Signal \(interface.name).\(member) has signature \"\(signal.signature.text)\"; got \"\(actual.text)\"")
        }
        let message = try BusMessage.signal(path: path, interface: interface.name, member: member)
        try message.append(arguments)
        send(message)
    }
}
