/// The Unix identity of a peer on the bus, as the bus daemon reports it.
public struct DBusCredentials: Sendable, Hashable {
    /// The peer's process id, when the bus knows it.
    public var processID: UInt32?
    /// The peer's user id, when the bus knows it.
    public var userID: UInt32?

    /// Credentials with the given ids.
    public init(processID: UInt32?, userID: UInt32?) {
        self.processID = processID
        self.userID = userID
    }
}
