import LiveProtocol

/// Why a Live connection could not be used. Every case says what happened and what to do.
public enum LiveClientError: Error, Sendable, CustomStringConvertible {
    /// Preflight found errors in the setup; nothing was sent.
    case preflightFailed(PreflightError)
    /// A message was refused before sending because it cannot be valid in this session.
    case messageRejected(PreflightIssue)
    /// The URL is not usable (malformed, or `ws://` to a host that is not loopback).
    case invalidURL(String)
    /// TCP, TLS or the WebSocket upgrade failed.
    case connectFailed(String)
    /// The service closed the connection before `setupComplete`.
    case closedDuringSetup(CloseExplanation)
    /// `setupComplete` did not arrive in time.
    case setupTimedOut(Duration)
    /// The first server message was not `setupComplete`.
    case unexpectedFirstMessage(String)
    /// The connection is closed; nothing more can be sent.
    case connectionClosed
    /// The connection failed after setup (a transport or WebSocket protocol error).
    case connectionLost(String)

    public var description: String {
        switch self {
        case .preflightFailed(let error):
            "The session configuration would be refused by the service:\n\(error)"
        case .messageRejected(let issue):
            "Message not sent: \(issue)"
        case .invalidURL(let detail):
            detail
        case .connectFailed(let detail):
            "Could not connect: \(detail)"
        case .closedDuringSetup(let explanation):
            "The service closed the connection during setup: \(explanation)"
        case .setupTimedOut(let timeout):
            "No setupComplete within \(timeout); the service may be stalled or the endpoint is not a Live API. Retry, or check the endpoint."
        case .unexpectedFirstMessage(let text):
            "The first server message was not setupComplete (\(text)); the endpoint may not speak the Live protocol."
        case .connectionClosed:
            "The connection is closed."
        case .connectionLost(let detail):
            "The connection failed after setup: \(detail). Reconnect (with the resumption handle) to continue."
        }
    }
}
