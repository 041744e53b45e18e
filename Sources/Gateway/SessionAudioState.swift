import AudioNodes

/// A session's audio as its properties show it: the nodes, what went through them, and the
/// gateway's own latency each way.
struct SessionAudioState: Sendable {
    /// Whether the session has nodes now.
    enum Status: String, Sendable {
        /// The gateway runs without PipeWire.
        case off
        /// The nodes are being created.
        case starting
        /// The nodes exist.
        case active
        /// PipeWire is not reachable; the nodes come back with it.
        case unavailable
    }

    var status: Status
    var nodes: SessionAudio?
    /// Streams routed into the input sink, put back when the session or its nodes end.
    var routes: [AppRoute] = []
    /// Samples (16 kHz) captured by the input node.
    var samplesCaptured = 0
    /// Samples sent to the service, or held to be sent after a resume.
    var samplesSent = 0
    /// Samples not sent: captured while the session was not active.
    var samplesDropped = 0
    /// Underruns and frames played by nodes that no longer exist (PipeWire restarted).
    var earlierUnderruns = 0
    var earlierFramesPlayed = 0
    var earlierOverruns = 0
    var earlierEventsDropped = 0
    var earlierVoiceOverflow = 0
    /// Chunk complete on PipeWire's thread → frame written to the socket.
    var uplink = LatencyWindow()
    /// Whether the microphone goes through the echo canceller, and why.
    var echoCancel = EchoCancelDecision(enabled: false, reason: "the session's audio nodes do not exist yet")
    /// Recognises the model's own words coming back as input transcription.
    var echoFilter = EchoTranscriptFilter()
    /// Samples (16 kHz) of input that came as events sent as silence by the echo guard.
    var samplesGuarded = 0
    /// Input transcription fragments held back as echo.
    var echoTranscriptsSuppressed = 0
    /// The sequence number of the last input transcription fragment held back as echo (its
    /// `TranscriptionDetail` is held back too).
    var echoSuppressedSequence: UInt64?
    /// `InputLevel` and `OutputLevel`.
    var levels = SessionLevels()

    var underruns: Int { earlierUnderruns + (nodes?.output.underruns ?? 0) }
    var framesPlayed: Int { earlierFramesPlayed + (nodes?.output.framesPlayed ?? 0) }
    /// Input samples the input node's ring dropped because they were not read in time.
    var inputOverruns: Int { earlierOverruns + (nodes?.input?.framesOverrun ?? 0) }
    /// Input events (chunks, quiet reports) the input node's event queue dropped.
    var inputEventsDropped: Int { earlierEventsDropped + (nodes?.input?.eventsDropped ?? 0) }
    /// Voice samples pushed into a full voice buffer and dropped.
    var voiceOverflow: Int { earlierVoiceOverflow + (nodes?.output.framesOverflowed ?? 0) }

    /// Keeps the counters of the nodes being removed.
    mutating func retireNodes() {
        earlierUnderruns = underruns
        earlierFramesPlayed = framesPlayed
        earlierOverruns = inputOverruns
        earlierEventsDropped = inputEventsDropped
        earlierVoiceOverflow = voiceOverflow
        nodes = nil
    }
}
