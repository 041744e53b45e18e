import Logging

/// The PipeWire nodes of one session: the input node ``input`` (`gemini-live-<id>-input`, a
/// virtual sink by default), the virtual microphone ``output`` (`gemini-live-<id>-voice`) and,
/// when asked, ``speaker`` (`gemini-live-<id>-speaker`), a playback stream that plays the voice
/// on the default speakers too. Create it when the session starts, ``close()`` it when the
/// session ends: every node leaves the graph.
public final class SessionAudio: Sendable {
    /// Settings for the nodes.
    public struct Configuration: Sendable {
        /// The input node's capture, chunking and source.
        public var input: VirtualSink.Configuration
        /// The microphone's jitter buffer.
        public var output: VirtualMicrophone.Configuration
        /// Whether the session has an input node at all (false: it only speaks).
        public var capturesInput: Bool
        /// Whether the voice also plays on the default speakers (or on ``speakerTarget``).
        public var playsOnSpeakers: Bool
        /// The `node.name` of the sink the speaker stream plays on; nil for the default speakers.
        public var speakerTarget: String?
        /// Whether a microphone input goes through the echo canceller (the gateway decides).
        public var echoCancel: EchoCancelMode

        /// The defaults: a virtual sink, the microphone, no speaker stream.
        public init(input: VirtualSink.Configuration = .init(), output: VirtualMicrophone.Configuration = .init(),
                    capturesInput: Bool = true, playsOnSpeakers: Bool = false, speakerTarget: String? = nil,
                    echoCancel: EchoCancelMode = .auto) {
            self.input = input
            self.output = output
            self.capturesInput = capturesInput
            self.playsOnSpeakers = playsOnSpeakers
            self.speakerTarget = speakerTarget
            self.echoCancel = echoCancel
        }
    }

    /// The node name of the input node for session `id`.
    public static func inputNodeName(session id: String) -> String { "gemini-live-\(id)-input" }
    /// The node name of the microphone for session `id`.
    public static func outputNodeName(session id: String) -> String { "gemini-live-\(id)-voice" }
    /// The node name of the speaker stream for session `id`.
    public static func speakerNodeName(session id: String) -> String { "gemini-live-\(id)-speaker" }

    /// Apps play into it (or it captures a source); the session reads ``VirtualSink/events``.
    /// Nil when the session captures no input.
    public let input: VirtualSink?
    /// Apps record from it; the session pushes the model's audio.
    public let output: VirtualMicrophone
    /// Plays the voice on the default speakers; nil unless asked for.
    public let speaker: VirtualMicrophone?

    /// Creates the nodes for session `id` (a short token such as "3": it becomes part of the
    /// node names and the descriptions).
    public init(session id: String, pipeWire: PipeWireLoop, configuration: Configuration = .init(),
                logger: Logger = Logger(label: "AudioNodes")) throws(AudioNodesError) {
        var made: [() -> Void] = []
        do throws(AudioNodesError) {
            if configuration.capturesInput {
                let sink = try VirtualSink(pipeWire: pipeWire, name: Self.inputNodeName(session: id),
                                           description: "Gemini Live input (session \(id))",
                                           configuration: configuration.input, logger: logger)
                made.append(sink.close)
                input = sink
            } else {
                input = nil
            }
            output = try VirtualMicrophone(pipeWire: pipeWire, name: Self.outputNodeName(session: id),
                                           description: "Gemini Live voice (session \(id))",
                                           configuration: configuration.output, logger: logger)
            made.append(output.close)
            if configuration.playsOnSpeakers {
                var playback = configuration.output
                playback.mediaClass = "Stream/Output/Audio"
                playback.autoconnect = true
                playback.target = configuration.speakerTarget
                speaker = try VirtualMicrophone(pipeWire: pipeWire, name: Self.speakerNodeName(session: id),
                                                description: "Gemini Live voice (session \(id))",
                                                configuration: playback, logger: logger)
            } else {
                speaker = nil
            }
        } catch {
            made.forEach { $0() }
            throw error
        }
    }

    /// Queues model audio (S16LE mono at the microphone's rate) on the microphone and the speaker.
    public func pushVoice(bytes: UnsafeRawBufferPointer) {
        output.push(bytes: bytes)
        speaker?.push(bytes: bytes)
    }

    /// The model's turn ended: the rest plays out (see ``VirtualMicrophone/finishTurn()``).
    public func finishVoiceTurn() {
        output.finishTurn()
        speaker?.finishTurn()
    }

    /// Drops all queued voice: silent from the next quantum on (see ``VirtualMicrophone/flush()``).
    public func flushVoice() {
        output.flush()
        speaker?.flush()
    }

    /// The loudest input sample since the last call (0…32768), or nil without an input node.
    /// Reading resets it; see ``VirtualSink/takePeak()``.
    public func takeInputPeak() -> Int? {
        input?.takePeak()
    }

    /// The loudest voice sample played since the last call (0…32768), on the microphone or the
    /// speaker stream, whichever is louder. Reading resets it.
    public func takeOutputPeak() -> Int {
        max(output.takePeak(), speaker?.takePeak() ?? 0)
    }

    /// Removes every node. Idempotent.
    public func close() {
        input?.close()
        output.close()
        speaker?.close()
    }
}
