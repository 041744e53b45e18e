import AudioNodes

/// How the gateway gives sessions PipeWire nodes: which PipeWire to use and the nodes' defaults.
public struct AudioConfiguration: Sendable {
    /// The PipeWire daemon to connect to.
    public var pipeWire: PipeWireLoop.Configuration
    /// The nodes of a session that sets no audio option: a virtual sink, 100 ms chunks, a 60 ms
    /// jitter buffer, no speaker stream.
    public var nodes: SessionAudio.Configuration
    /// How often to try again while PipeWire is unavailable.
    public var retryInterval: Duration

    /// Audio on the default PipeWire with the default nodes.
    public init(pipeWire: PipeWireLoop.Configuration = .init(), nodes: SessionAudio.Configuration = .init(),
                retryInterval: Duration = .seconds(1)) {
        self.pipeWire = pipeWire
        self.nodes = nodes
        self.retryInterval = retryInterval
    }
}
