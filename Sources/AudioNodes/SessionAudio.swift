import Logging

/// The PipeWire nodes of one session: the virtual sink ``input`` (`gemini-live-<id>-input`) and
/// the virtual microphone ``output`` (`gemini-live-<id>-voice`). Create it when the session
/// starts, ``close()`` it when the session ends: both nodes leave the graph.
public final class SessionAudio: Sendable {
    /// Settings for both nodes.
    public struct Configuration: Sendable {
        /// The sink's capture and chunking.
        public var input: VirtualSink.Configuration
        /// The microphone's jitter buffer.
        public var output: VirtualMicrophone.Configuration

        /// The defaults of both nodes.
        public init(input: VirtualSink.Configuration = .init(), output: VirtualMicrophone.Configuration = .init()) {
            self.input = input
            self.output = output
        }
    }

    /// The node name of the sink for session `id`.
    public static func inputNodeName(session id: String) -> String { "gemini-live-\(id)-input" }
    /// The node name of the microphone for session `id`.
    public static func outputNodeName(session id: String) -> String { "gemini-live-\(id)-voice" }

    /// Apps play into it; the session reads ``VirtualSink/events``.
    public let input: VirtualSink
    /// Apps record from it; the session pushes the model's audio.
    public let output: VirtualMicrophone

    /// Creates both nodes for session `id` (a short token such as "3": it becomes part of the
    /// node names and the descriptions).
    public init(session id: String, pipeWire: PipeWireLoop, configuration: Configuration = .init(),
                logger: Logger = Logger(label: "AudioNodes")) throws(AudioNodesError) {
        input = try VirtualSink(pipeWire: pipeWire, name: Self.inputNodeName(session: id),
                                description: "Gemini Live input (session \(id))",
                                configuration: configuration.input, logger: logger)
        do {
            output = try VirtualMicrophone(pipeWire: pipeWire, name: Self.outputNodeName(session: id),
                                           description: "Gemini Live voice (session \(id))",
                                           configuration: configuration.output, logger: logger)
        } catch {
            input.close()
            throw error
        }
    }

    /// Removes both nodes. Idempotent.
    public func close() {
        input.close()
        output.close()
    }
}
