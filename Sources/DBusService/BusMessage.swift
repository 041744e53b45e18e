import CDBus

/// An owned reference to a libdbus `DBusMessage` (internal; handlers see ``DBusMethodCall``).
///
/// libdbus reference counting is thread-safe once `dbus_threads_init_default` has run, so the wrapper can cross
/// threads; everything that touches a connection still happens on the connection's queue.
final class BusMessage: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Takes over one reference (from a `dbus_message_new_*` call).
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Adds a reference to a message libdbus lends us (e.g. in a handler callback).
    init(retaining pointer: OpaquePointer) {
        self.pointer = dbus_message_ref(pointer)
    }

    deinit {
        dbus_message_unref(pointer)
    }

    var type: Int32 { dbus_message_get_type(pointer) }
    var path: String? { dbus_message_get_path(pointer).map { String(cString: $0) } }
    var interface: String? { dbus_message_get_interface(pointer).map { String(cString: $0) } }
    var member: String? { dbus_message_get_member(pointer).map { String(cString: $0) } }
    var sender: String? { dbus_message_get_sender(pointer).map { String(cString: $0) } }
    var errorName: String? { dbus_message_get_error_name(pointer).map { String(cString: $0) } }
    var signature: String { dbus_message_get_signature(pointer).map { String(cString: $0) } ?? "" }
    var noReplyExpected: Bool { dbus_message_get_no_reply(pointer) != 0 }

    /// Decodes every argument.
    func arguments() throws(DBusError) -> [DBusValue] {
        var iterator = DBusMessageIter()
        guard dbus_message_iter_init(pointer, &iterator) != 0 else { return [] }
        var values: [DBusValue] = []
        repeat {
            values.append(try MessageReader.read(&iterator))
        } while dbus_message_iter_next(&iterator) != 0
        return values
    }

    /// Appends arguments (validated first).
    func append(_ values: [DBusValue]) throws(DBusError) {
        var iterator = DBusMessageIter()
        dbus_message_iter_init_append(pointer, &iterator)
        for value in values {
            try value.validate()
            try MessageWriter.append(value, to: &iterator)
        }
    }

    /// The message text of an error reply (its first string argument), if any.
    var errorMessage: String {
        if let first = try? arguments().first, case .string(let text) = first { return text }
        return ""
    }

    static func methodCall(
        destination: String?, path: DBusObjectPath, interface: String?, member: String
    ) throws(DBusError) -> BusMessage {
        try BusNames.validateMember(member)
        if let interface { try BusNames.validateInterface(interface) }
        if let destination { try BusNames.validateBusName(destination) }
        guard let message = dbus_message_new_method_call(destination, path.rawValue, interface, member) else {
            throw DBusError(.noMemory, "Cannot allocate a method call")
        }
        return BusMessage(owning: message)
    }

    static func signal(path: DBusObjectPath, interface: String, member: String) throws(DBusError) -> BusMessage {
        try BusNames.validateInterface(interface)
        try BusNames.validateMember(member)
        guard let message = dbus_message_new_signal(path.rawValue, interface, member) else {
            throw DBusError(.noMemory, "Cannot allocate a signal")
        }
        return BusMessage(owning: message)
    }

    func methodReturn() -> BusMessage? {
        dbus_message_new_method_return(pointer).map(BusMessage.init(owning:))
    }

    func errorReply(_ error: DBusError) -> BusMessage? {
        let name = BusNames.isValidErrorName(error.name.rawValue) ? error.name : .failed
        let text = error.message.filter { $0 != "\0" }
        return dbus_message_new_error(pointer, name.rawValue, text).map(BusMessage.init(owning:))
    }
}
