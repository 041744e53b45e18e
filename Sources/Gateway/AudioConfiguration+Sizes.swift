import AudioNodes

extension AudioConfiguration {
    /// Audio on the default PipeWire, the nodes' input chunks and voice jitter buffer sized as
    /// given and the echo canceller's mode (`echo_cancel`'s value: "auto", "on" or "off", as the
    /// configuration file validated it); nil keeps the nodes' default.
    public init(chunkDuration: Duration?, jitterTargetDepth: Duration?, echoCancel: String? = nil) {
        self.init()
        if let chunkDuration { nodes.input.chunkDuration = chunkDuration }
        if let jitterTargetDepth { nodes.output.targetDepth = jitterTargetDepth }
        if let mode = echoCancel.flatMap(EchoCancelMode.init(rawValue:)) { nodes.echoCancel = mode }
    }
}
