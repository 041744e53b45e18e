import LiveProtocol

/// Everything that shapes a simulator: where it listens, what it demands and how it misbehaves.
///
/// The defaults give a well-behaved service on `127.0.0.1` at a free port, without TLS or a key,
/// that records every frame.
public struct SimulatorConfiguration: Sendable {
    /// The address to bind (default `127.0.0.1`).
    public var host: String
    /// The port to bind; 0 picks a free one (default).
    public var port: Int
    /// Serve `wss://` with this certificate; nil serves `ws://`.
    public var tls: SimulatorTLS?
    /// The only key accepted; nil accepts any credential or none. Never logged.
    public var apiKey: Secret?
    /// Faults for every connection that has no script queued by ``LiveSimulator/enqueueFaults(_:)``.
    public var faults: FaultScript
    /// Concurrent sessions (connections past setup) allowed; one more is closed with 1011
    /// `You exceeded your current quota…`. Nil: no limit.
    public var maxSessions: Int?
    /// How long a resumption handle stays valid after its session's last connection ended
    /// (the service documents 2 hours).
    public var handleLifetime: Duration
    /// What the model's voice says.
    public var voice: VoiceMode
    /// How model turns are streamed.
    public var pacing: VoicePacing
    /// Keep every frame of every connection in ``LiveSimulator/recorder`` (default true; the
    /// command-line tool turns it off so long runs do not grow).
    public var recordsFrames: Bool
    /// The largest WebSocket frame or message accepted or sent (default 16 MiB).
    public var maxFrameSize: Int
    /// How long a session that sends video may last without `contextWindowCompression`, from
    /// its first frame (the service documents 2 minutes for audio with video).
    public var videoSessionLimit: Duration

    /// A configuration; every parameter has the default described on its property.
    public init(
        host: String = "127.0.0.1", port: Int = 0, tls: SimulatorTLS? = nil, apiKey: Secret? = nil,
        faults: FaultScript = .none, maxSessions: Int? = nil, handleLifetime: Duration = .seconds(2 * 3600),
        voice: VoiceMode = .echo, pacing: VoicePacing = VoicePacing(), recordsFrames: Bool = true,
        maxFrameSize: Int = 16 << 20, videoSessionLimit: Duration = .seconds(120)
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.apiKey = apiKey
        self.faults = faults
        self.maxSessions = maxSessions
        self.handleLifetime = handleLifetime
        self.voice = voice
        self.pacing = pacing
        self.recordsFrames = recordsFrames
        self.maxFrameSize = maxFrameSize
        self.videoSessionLimit = videoSessionLimit
    }
}
