import AudioNodes

extension AudioConfiguration {
    /// Audio on the default PipeWire, the nodes' input chunks and voice jitter buffer sized as
    /// given (nil: the nodes' defaults).
    public init(chunkDuration: Duration?, jitterTargetDepth: Duration?) {
        self.init()
        if let chunkDuration { nodes.input.chunkDuration = chunkDuration }
        if let jitterTargetDepth { nodes.output.targetDepth = jitterTargetDepth }
    }
}
