/// A signal received through a ``SignalSubscription``.
public struct DBusSignal: Sendable, Hashable {
    /// The sender's unique bus name, e.g. `:1.7`.
    public var sender: String
    /// The object the signal comes from.
    public var path: DBusObjectPath
    /// The signal's interface.
    public var interface: String
    /// The signal's name.
    public var member: String
    /// The signal's arguments, decoded.
    public var arguments: [DBusValue]

    /// A signal record.
    public init(sender: String, path: DBusObjectPath, interface: String, member: String, arguments: [DBusValue]) {
        self.sender = sender
        self.path = path
        self.interface = interface
        self.member = member
        self.arguments = arguments
    }
}
