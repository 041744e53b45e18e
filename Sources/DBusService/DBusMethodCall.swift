/// A method call received by an exported object, already checked against the declared in-signature.
public struct DBusMethodCall: Sendable {
    /// The caller's unique bus name (e.g. `:1.42`); use it for access control and to watch the caller's lifetime.
    public let sender: String
    /// The object path the call was addressed to.
    public let path: DBusObjectPath
    /// The interface of the called method.
    public let interface: String
    /// The method name.
    public let member: String
    /// The decoded arguments; their types match the method's declared in-arguments.
    public let arguments: [DBusValue]

    /// Creates a call value (the layer builds these; tests of handlers may too).
    public init(sender: String, path: DBusObjectPath, interface: String, member: String, arguments: [DBusValue]) {
        self.sender = sender
        self.path = path
        self.interface = interface
        self.member = member
        self.arguments = arguments
    }

    /// The argument at `index` as a Swift value, e.g. `try call.argument(0, as: [String: DBusValue].self)` for `a{sv}`.
    /// - Throws: ``DBusError`` `InvalidArgs` naming the method, the position and both types.
    public func argument<T: DBusValueConvertible>(_ index: Int, as type: T.Type) throws(DBusError) -> T {
        guard arguments.indices.contains(index) else {
            throw .invalidArgs("\(interface).\(member) has no argument \(index); it received \(arguments.count)")
        }
        guard let value = T(dbusValue: arguments[index]) else {
            throw .invalidArgs(
                "Argument \(index) of \(interface).\(member) must be of type \(T.dbusType), got \(arguments[index].type)")
        }
        return value
    }
}
