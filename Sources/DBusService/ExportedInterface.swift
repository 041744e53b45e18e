/// A method handler: receives the decoded call and returns the reply's values (matching the declared out-args).
///
/// It may suspend for as long as it needs (the connection's queue is not blocked); the reply is sent when it
/// returns. Throw a ``DBusError`` for a named error reply; any other error becomes
/// `org.freedesktop.DBus.Error.Failed` with a generic message (the details are logged, not sent).
public typealias DBusMethodHandler = @Sendable (DBusMethodCall) async throws -> [DBusValue]

/// Reads a property's current value; it must have the property's declared type.
public typealias DBusPropertyGetter = @Sendable () async throws -> DBusValue

/// Writes a property; receives a value already checked to have the declared type.
public typealias DBusPropertySetter = @Sendable (DBusValue) async throws -> Void

/// Writes a property for a caller: receives the checked value and the unique bus name of the
/// connection that called `Set`, so the owner of an object can be told apart from other peers.
public typealias DBusPropertyCallerSetter = @Sendable (DBusValue, _ sender: String) async throws -> Void

/// One interface of an exported object: its description plus the closures implementing it.
///
/// ```swift
/// var manager = ExportedInterface(InterfaceTables.descriptions["io.github.geminilive.Gateway1"]!)  // generated from dbus/*.xml
/// manager.onMethod("StartSession") { call in [DBusValue(try await gateway.start(call))] }
/// manager.onProperty("Version") { .string("0.1.0") }
/// ```
/// Every declared method needs a handler and every declared property a getter (and a setter when writable);
/// ``DBusConnection/export(_:)`` checks this.
public struct ExportedInterface: Sendable {
    /// What the interface declares.
    public let description: InterfaceDescription
    var methodHandlers: [String: DBusMethodHandler] = [:]
    var getters: [String: DBusPropertyGetter] = [:]
    var setters: [String: DBusPropertyCallerSetter] = [:]

    /// The interface's name.
    public var name: String { description.name }

    /// An interface implementing `description`; add handlers with ``onMethod(_:_:)`` and ``onProperty(_:get:set:)``.
    public init(_ description: InterfaceDescription) {
        self.description = description
    }

    /// Sets the handler of the declared method `name`.
    public mutating func onMethod(_ name: String, _ handler: @escaping DBusMethodHandler) {
        methodHandlers[name] = handler
    }

    /// Sets the getter (and, for writable properties, the setter) of the declared property `name`.
    ///
    /// After a successful `Set` from a client, the layer emits `PropertiesChanged` itself (as the property's
    /// `EmitsChangedSignal` annotation says), reading the new value back through `get`.
    public mutating func onProperty(
        _ name: String, get: @escaping DBusPropertyGetter, set: DBusPropertySetter? = nil
    ) {
        getters[name] = get
        if let set {
            setters[name] = { value, _ in try await set(value) }
        } else {
            setters[name] = nil
        }
    }

    /// Sets the getter and a setter that learns who called `Set` (for properties only some peers may write).
    public mutating func onProperty(
        _ name: String, get: @escaping DBusPropertyGetter, setBy set: @escaping DBusPropertyCallerSetter
    ) {
        getters[name] = get
        setters[name] = set
    }

    /// Checks that handlers and declarations match one to one.
    func validate() throws(DBusExportError) {
        for (member, _) in methodHandlers where description.method(named: member) == nil {
            throw DBusExportError("\(name) declares no method \(member), but a handler was given")
        }
        for method in description.methods where methodHandlers[method.name] == nil {
            throw DBusExportError("Method \(name).\(method.name) has no handler")
        }
        for (property, _) in getters where description.property(named: property) == nil {
            throw DBusExportError("\(name) declares no property \(property), but a getter was given")
        }
        for property in description.properties {
            if property.isReadable, getters[property.name] == nil {
                throw DBusExportError("Property \(name).\(property.name) has no getter")
            }
            if property.isWritable, setters[property.name] == nil {
                throw DBusExportError("Property \(name).\(property.name) is writable but has no setter")
            }
            if !property.isWritable, setters[property.name] != nil {
                throw DBusExportError("Property \(name).\(property.name) is read-only but a setter was given")
            }
        }
    }
}

/// A mistake in what was passed to ``DBusConnection/export(_:)`` (a programming error, reported before anything is
/// exported).
public struct DBusExportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String

    init(_ message: String) {
        self.message = message
    }

    /// What is wrong.
    public var description: String { message }
}
