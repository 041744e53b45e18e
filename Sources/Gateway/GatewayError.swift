import DBusService
import LiveClient
import LiveProtocol

/// The gateway's named D-Bus errors (`io.github.geminilive.Gateway1.Error.*`), each with a message
/// that says what was wrong and how to fix it.
public enum GatewayError {
    /// The options make a session the service would refuse (preflight).
    public static let invalidConfig: DBusError.Name = "io.github.geminilive.Gateway1.Error.InvalidConfig"
    /// The service refused or dropped the connection.
    public static let connectionFailed: DBusError.Name = "io.github.geminilive.Gateway1.Error.ConnectionFailed"
    /// No API key is configured.
    public static let notConfigured: DBusError.Name = "io.github.geminilive.Gateway1.Error.NotConfigured"
    /// The caller does not own the session.
    public static let accessDenied: DBusError.Name = "io.github.geminilive.Gateway1.Error.AccessDenied"
    /// No such session.
    public static let notFound: DBusError.Name = "io.github.geminilive.Gateway1.Error.NotFound"
    /// The session cannot do that now (it is closing or not yet connected).
    public static let invalidState: DBusError.Name = "io.github.geminilive.Gateway1.Error.InvalidState"
    /// setupComplete did not arrive in time.
    public static let timeout: DBusError.Name = "io.github.geminilive.Gateway1.Error.Timeout"
    /// The caller has too many sessions.
    public static let limitExceeded: DBusError.Name = "io.github.geminilive.Gateway1.Error.LimitExceeded"
    /// PipeWire is not running (or the gateway runs without audio).
    public static let audioUnavailable: DBusError.Name = "io.github.geminilive.Gateway1.Error.AudioUnavailable"

    /// The D-Bus error for a failed connection attempt.
    static func from(_ error: LiveClientError) -> DBusError {
        switch error {
        case .preflightFailed(let preflight):
            DBusError(invalidConfig, preflight.description)
        case .messageRejected(let issue):
            DBusError(invalidState, issue.description)
        case .invalidURL(let detail):
            DBusError(connectionFailed, detail)
        case .connectFailed(let detail):
            DBusError(connectionFailed, detail)
        case .closedDuringSetup(let explanation):
            DBusError(connectionFailed, "The service closed the connection during setup: \(explanation)")
        case .setupTimedOut:
            DBusError(timeout, error.description)
        case .unexpectedFirstMessage:
            DBusError(connectionFailed, error.description)
        case .connectionClosed:
            DBusError(invalidState, "The session's connection is closed.")
        case .connectionLost(let detail):
            DBusError(connectionFailed, "The connection failed after setup: \(detail)")
        }
    }
}
