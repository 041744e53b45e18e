/// Why a simulator could not start.
public enum SimulatorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server stopped before it was listening.
    case stoppedBeforeListening
    /// The TLS certificate or key could not be loaded.
    case invalidTLS(String)

    /// A sentence for logs and the command line.
    public var description: String {
        switch self {
        case .stoppedBeforeListening: "the simulator stopped before it was listening"
        case .invalidTLS(let detail): "the TLS certificate or key could not be loaded: \(detail)"
        }
    }
}
