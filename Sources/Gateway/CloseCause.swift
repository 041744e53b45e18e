/// Why the gateway ends a session: the reason it sends the service in its close frame, and the
/// explanation the session's `Closed` signal carries.
public enum CloseCause: Sendable, Hashable {
    /// The owner called `Close()`.
    case owner
    /// The owner left the bus (an owner-bound session dies with its owner).
    case ownerLeft
    /// A detached session went this long without a method call.
    case idle(Duration)
    /// The gateway is shutting down.
    case shutdown
    /// The local Live client of an endpoint session closed its WebSocket (or it dropped).
    case clientDisconnected

    /// The close frame's reason (at most 123 bytes).
    var reason: String {
        switch self {
        case .owner: "closed by the client"
        case .ownerLeft: "the client left"
        case .idle: "idle timeout"
        case .shutdown: "gateway shutting down"
        case .clientDisconnected: "the client disconnected"
        }
    }

    /// What `Closed` explains.
    var explanation: String {
        switch self {
        case .owner:
            "The session's owner closed it with Close()."
        case .ownerLeft:
            "The session's owner left the bus, and an owner-bound session ends with its owner; pass \"detached\": true to StartSession to keep it."
        case .idle(let timeout):
            "The detached session had no method call for \(timeout.components.seconds) s (its idle_timeout); start a new one, or pass a longer \"idle_timeout\"."
        case .shutdown:
            "The gateway is shutting down; start a new session once it runs again."
        case .clientDisconnected:
            "The local Live client closed its connection to the gateway's endpoint, which ends its session."
        }
    }
}
