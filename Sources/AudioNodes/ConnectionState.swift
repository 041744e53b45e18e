/// Whether the process is connected to the PipeWire daemon.
public enum PipeWireConnectionState: Sendable, Equatable {
    /// Connected; nodes can be created.
    case connected
    /// The daemon went away (or refused us); every node of the old connection is gone.
    /// Call ``PipeWireLoop/reconnect()`` and create the nodes again.
    case disconnected(reason: String)
}
