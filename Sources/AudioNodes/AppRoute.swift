/// One application routed into a sink by ``PipeWireGraph/route(application:toSink:sinkNodeID:)``:
/// the record ``PipeWireGraph/unroute(_:)`` restores.
public struct AppRoute: Sendable, Hashable {
    /// How the route was made, which decides how it is undone.
    public enum Mechanism: Sendable, Hashable {
        /// A session manager runs: the stream's `target.object` in the `default` metadata names
        /// the sink, and the session manager moved the stream. Undoing restores the key's
        /// previous value (usually none), and the session manager moves the stream back.
        case sessionManager
        /// No session manager: this many links from the app's output ports to the sink's input
        /// ports, owned by this process. Undoing destroys them.
        case links(Int)
    }

    /// The app's stream node.
    public let applicationNodeID: UInt32
    /// The sink's `node.name`.
    public let sinkNodeName: String
    /// The sink's node id.
    public let sinkNodeID: UInt32
    /// How the route was made.
    public let mechanism: Mechanism
}
