import CDBus
import Dispatch
import Logging

/// `org.freedesktop.DBus.Properties` for exported objects, and `PropertiesChanged` emission.
extension ConnectionCore {
    func handleProperties(_ member: String, _ message: BusMessage, _ object: ExportedObject?) -> Routed {
        guard let object else { return .failure(DBusError(.unknownObject, "No object at \(message.path ?? "")")) }
        let arguments: [DBusValue]
        do { arguments = try message.arguments() } catch { return .failure(error) }
        let interfaceName = arguments.first?.as(String.self) ?? ""
        let propertyName = arguments.count > 1 ? arguments[1].as(String.self) ?? "" : ""

        if member == "GetAll", StandardInterfaces.names.contains(interfaceName) {
            return .reply([DBusValue([String: DBusValue]())])
        }
        guard let interface = object.interface(named: interfaceName) else {
            return .failure(DBusError(
                .unknownInterface,
                "Object \(object.path) has no interface \(interfaceName); it has: \(interfaceNames(at: object.path).joined(separator: ", "))"))
        }
        switch member {
        case "GetAll":
            return replyLater(to: message) { () throws(DBusError) -> [DBusValue] in
                [DBusValue(try await Self.readAll(interface))]
            }
        case "Get":
            let property: InterfaceDescription.Property
            do { property = try Self.property(propertyName, of: interface) } catch { return .failure(error) }
            guard property.isReadable else {
                return .failure(.invalidArgs("Property \(interface.name).\(propertyName) is write-only"))
            }
            return replyLater(to: message) { () throws(DBusError) -> [DBusValue] in
                [.variant(try await Self.read(property, of: interface))]
            }
        default:
            return set(propertyName, of: interface, at: object.path, to: arguments.count > 2 ? arguments[2] : nil, message)
        }
    }

    private func set(
        _ name: String, of interface: ExportedInterface, at path: DBusObjectPath, to value: DBusValue?, _ message: BusMessage
    ) -> Routed {
        let property: InterfaceDescription.Property
        do { property = try Self.property(name, of: interface) } catch { return .failure(error) }
        guard property.isWritable, let setter = interface.setters[name] else {
            return .failure(DBusError(.propertyReadOnly, "Property \(interface.name).\(name) is read-only"))
        }
        guard case .variant(let newValue)? = value, newValue.type == property.type else {
            return .failure(.invalidArgs(
                "Property \(interface.name).\(name) has type \(property.type); received \(value?.unwrappingVariant.type.signature ?? "nothing")"))
        }
        let logger = self.logger
        let sender = message.sender ?? ""
        return replyLater(to: message) { () throws(DBusError) -> [DBusValue] in
            do {
                try await setter(newValue, sender)
            } catch let error as DBusError {
                throw error
            } catch {
                logger.error("Property setter failed", metadata: ["property": "\(interface.name).\(name)", "error": "\(error)"])
                throw .failed("Setting \(interface.name).\(name) failed")
            }
            switch property.emitsChangedSignal {
            case .true:
                let current = try await Self.read(property, of: interface)
                try await self.onQueue { () throws(DBusError) in
                    try self.sendPropertiesChanged(path: path, interface: interface.name, changed: [name: current], invalidated: [])
                }
            case .invalidates:
                try await self.onQueue { () throws(DBusError) in
                    try self.sendPropertiesChanged(path: path, interface: interface.name, changed: [:], invalidated: [name])
                }
            case .const, .false:
                break
            }
            return []
        }
    }

    private static func property(_ name: String, of interface: ExportedInterface) throws(DBusError) -> InterfaceDescription.Property {
        guard let property = interface.description.property(named: name) else {
            let known = interface.description.properties.map(\.name).joined(separator: ", ")
            throw DBusError(.unknownProperty, "Interface \(interface.name) has no property \(name); it has: \(known.isEmpty ? "none" : known)")
        }
        return property
    }

    /// Reads one property through its getter, checking the declared type.
    static func read(_ property: InterfaceDescription.Property, of interface: ExportedInterface) async throws(DBusError) -> DBusValue {
        guard let getter = interface.getters[property.name] else {
            throw .invalidArgs("Property \(interface.name).\(property.name) is write-only")
        }
        let value: DBusValue
        do {
            value = try await getter()
        } catch let error as DBusError {
            throw error
        } catch {
            throw .failed("Reading \(interface.name).\(property.name) failed")
        }
        guard value.type == property.type else {
            throw .failed("Property \(interface.name).\(property.name) produced a \(value.type) instead of a \(property.type)")
        }
        return value
    }

    /// Reads every readable property of an interface.
    static func readAll(_ interface: ExportedInterface) async throws(DBusError) -> [String: DBusValue] {
        var values: [String: DBusValue] = [:]
        for property in interface.description.properties where property.isReadable {
            values[property.name] = try await read(property, of: interface)
        }
        return values
    }

    func emitPropertiesChanged(
        path: DBusObjectPath, interface: String, changed: [String: DBusValue], invalidated: [String]
    ) async throws(DBusError) {
        try await onQueue { () throws(DBusError) in
            try self.sendPropertiesChanged(path: path, interface: interface, changed: changed, invalidated: invalidated)
        }
    }

    func queuePropertiesChanged(
        path: DBusObjectPath, interface: String, changed: [String: DBusValue], invalidated: [String],
        failed: (@Sendable (DBusError) -> Void)?
    ) {
        post(failed, what: "PropertiesChanged of \(interface) at \(path)") { () throws(DBusError) in
            try self.sendPropertiesChanged(path: path, interface: interface, changed: changed, invalidated: invalidated)
        }
    }

    /// Builds and sends `PropertiesChanged`, honouring each property's EmitsChangedSignal. Call on the queue.
    func sendPropertiesChanged(
        path: DBusObjectPath, interface name: String, changed: [String: DBusValue], invalidated: [String]
    ) throws(DBusError) {
        guard let object = objects[path] else { throw .invalidArgs("No object is exported at \(path)") }
        guard let interface = object.interface(named: name) else {
            throw .invalidArgs("Object \(path) has no interface \(name)")
        }
        var values: [String: DBusValue] = [:]
        var invalid: [String] = []
        for (property, value) in changed.sorted(by: { $0.key < $1.key }) {
            let declared = try Self.property(property, of: interface)
            guard value.type == declared.type else {
                throw .invalidArgs("Property \(name).\(property) has type \(declared.type), not \(value.type)")
            }
            switch declared.emitsChangedSignal {
            case .true: values[property] = value
            case .invalidates: invalid.append(property)
            case .const, .false: break
            }
        }
        for property in invalidated {
            let declared = try Self.property(property, of: interface)
            if declared.emitsChangedSignal == .true || declared.emitsChangedSignal == .invalidates {
                invalid.append(property)
            }
        }
        guard !values.isEmpty || !invalid.isEmpty else { return }
        let signal = try BusMessage.signal(path: path, interface: StandardInterfaces.propertiesName, member: "PropertiesChanged")
        try signal.append([.string(name), DBusValue(values), DBusValue(invalid)])
        send(signal)
    }
}
