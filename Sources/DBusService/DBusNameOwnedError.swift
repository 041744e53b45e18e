/// Thrown by ``DBusConnection/requestName(_:)`` when another connection already owns the name.
public struct DBusNameOwnedError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The requested well-known name.
    public var name: String
    /// The unique name of the current owner, when the bus could tell.
    public var owner: String?
    /// The process id of the current owner, when the bus could tell.
    public var ownerProcessID: UInt32?

    /// Describes the conflict for a human.
    public init(name: String, owner: String?, ownerProcessID: UInt32?) {
        self.name = name
        self.owner = owner
        self.ownerProcessID = ownerProcessID
    }

    /// E.g. `io.github.geminilive.Gateway1 is already owned by :1.42 (pid 1234) — …`.
    public var description: String {
        var who = owner ?? "another connection"
        if let ownerProcessID { who += " (pid \(ownerProcessID))" }
        return "\(name) is already owned by \(who) — another instance is running on this bus; "
            + "stop it, or use a different bus (DBUS_SESSION_BUS_ADDRESS)"
    }
}
