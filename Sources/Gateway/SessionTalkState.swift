/// What a session keeps for its voice user: mute, manual activity, the gateway's own speech
/// detection, the latency meter, the activity indicator, reconnects, and the properties waiting
/// for their throttled `PropertiesChanged`.
struct SessionTalkState: Sendable {
    /// Input chunks whose RMS reaches this count as speech (about −45 dBFS: above a quiet room's
    /// noise floor, well below any voice at a normal distance from a laptop microphone).
    static let speechRMS = 184.0
    /// Speech ends after this long without a loud chunk (a pause between sentences stays within it).
    static let speechHangover = 600_000_000
    /// `PropertiesChanged` for the talk properties at most this often (nanoseconds).
    static let emitInterval = 200_000_000
    /// The voice counts as silent this long after its samples stopped being played (nanoseconds):
    /// longer than a PipeWire quantum or a short underrun in the middle of a reply.
    static let voiceHangover = 150_000_000

    /// While true no input audio is sent (the `Muted` property).
    var muted = false
    /// Samples (16 kHz) captured while muted and so not sent.
    var samplesMuted = 0
    /// An activity is open: StartActivity (or Interrupt) sent activityStart and no activityEnd followed.
    var activityOpen = false
    /// audioStreamEnd was sent and no audio followed since.
    var streamEnded = false
    /// The uplink pump's ``UplinkPump/samplesAdmitted`` when audioStreamEnd was sent.
    var admittedAtStreamEnd = 0
    /// The uplink pump's ``UplinkPump/Speech/utterances`` the session has followed.
    var utterancesFollowed = 0
    /// When the last loud input chunk was captured; nil while the user is not speaking.
    var lastLoudAt: Int?
    /// When the user's turn ended, while the reply is awaited.
    var awaitingSince = 0
    var meter = TurnLatencyMeter()
    var indicator = ActivityIndicator()
    /// The voice frames played (microphone + speaker) at the clock's last look, and when they last grew.
    var framesPlayedSeen = 0
    var framesPlayedGrewAt = 0
    /// The state the session last reported (to count moves off an active connection).
    var reportedState: SessionState = .connecting
    /// Connections replaced after the first one: drops, stalls and goAway handovers.
    var reconnects = 0
    /// Why the last replacement happened ("" before the first).
    var lastReconnectCause = ""
    /// Properties changed since the last `PropertiesChanged` the clock sent.
    var dirty: Set<String> = []
    /// When the clock last sent one.
    var lastEmitAt = 0
    /// Wakes the activity clock when something needs watching.
    var clockWake: AsyncStream<Void>.Continuation?

    /// Whether the clock must keep looking: the voice or the user's speech may change without an event.
    var needsTicks: Bool {
        indicator.voiceAudible || indicator.replyStreaming || indicator.awaitingReply || lastLoudAt != nil || !dirty.isEmpty
    }

    /// Marks properties to be announced and wakes the clock.
    mutating func changed(_ names: String...) {
        dirty.formUnion(names)
        clockWake?.yield()
    }

    /// Updates the indicator with `update`, marking `Activity` when it changed.
    mutating func indicate(_ update: (inout ActivityIndicator) -> Void) {
        let before = indicator.activity
        update(&indicator)
        if indicator.activity != before { changed("Activity") }
    }
}

extension AudioChunkLevel {
    /// Root-mean-square of S16LE `bytes` (0 for none).
    static func rms(_ bytes: UnsafeRawBufferPointer) -> Double {
        let count = bytes.count / 2
        guard count > 0 else { return 0 }
        var sum = 0.0
        for i in 0..<count {
            let sample = Double(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
            sum += sample * sample
        }
        return (sum / Double(count)).squareRoot()
    }
}

/// The level of captured audio, for the gateway's own speech detection.
enum AudioChunkLevel {}
