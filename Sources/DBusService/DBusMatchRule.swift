/// Which signals a ``SignalSubscription`` receives: a D-Bus match rule of type `signal` restricted by sender, path
/// (or path namespace), interface and member. Unset fields match anything.
///
/// ```swift
/// let rule = DBusMatchRule(sender: "io.github.geminilive.Gateway1", path: sessionPath)
/// ```
public struct DBusMatchRule: Sendable, Hashable, CustomStringConvertible {
    /// The sending bus name, well-known (`io.github.geminilive.Gateway1`) or unique (`:1.7`).
    public var sender: String?
    /// The exact object path the signal comes from.
    public var path: DBusObjectPath?
    /// A path prefix: the object at this path and every object below it.
    public var pathNamespace: DBusObjectPath?
    /// The signal's interface.
    public var interface: String?
    /// The signal's name.
    public var member: String?

    /// A rule; every unset field matches anything.
    public init(
        sender: String? = nil, path: DBusObjectPath? = nil, pathNamespace: DBusObjectPath? = nil,
        interface: String? = nil, member: String? = nil
    ) {
        self.sender = sender
        self.path = path
        self.pathNamespace = pathNamespace
        self.interface = interface
        self.member = member
    }

    /// The rule as `AddMatch` takes it, e.g. `type='signal',sender='…',path='…'`.
    public var description: String {
        var parts = ["type='signal'"]
        if let sender { parts.append("sender='\(sender)'") }
        if let path { parts.append("path='\(path.rawValue)'") }
        if let pathNamespace { parts.append("path_namespace='\(pathNamespace.rawValue)'") }
        if let interface { parts.append("interface='\(interface)'") }
        if let member { parts.append("member='\(member)'") }
        return parts.joined(separator: ",")
    }

    /// Checks the names, so a bad rule fails before it reaches the bus.
    func validate() throws(DBusError) {
        if let sender { try BusNames.validateBusName(sender) }
        if let interface { try BusNames.validateInterface(interface) }
        if let member { try BusNames.validateMember(member) }
        if path != nil, pathNamespace != nil {
            throw .invalidArgs("A match rule takes a path or a path namespace, not both")
        }
    }

    /// Whether a received signal matches. `senderOwner` is the unique name that owned a well-known ``sender`` when
    /// the subscription started (nil: not known, so the sender is not checked locally; the bus already filtered).
    func matches(_ signal: DBusSignal, senderOwner: String?) -> Bool {
        if let sender {
            let expected = sender.hasPrefix(":") ? sender : senderOwner
            if let expected, signal.sender != expected { return false }
        }
        if let path, signal.path != path { return false }
        if let pathNamespace, signal.path != pathNamespace, !signal.path.isDescendant(of: pathNamespace) { return false }
        if let interface, signal.interface != interface { return false }
        if let member, signal.member != member { return false }
        return true
    }
}
