/// How the simulator streams a model turn: chunk size, burst speed and the wait for playback.
///
/// Like the service, audio goes out in bursts faster than real time; `generationComplete` follows
/// the last chunk, and `turnComplete` waits until the client would have finished playing the
/// audio (counted from the first chunk), so a barge-in during playback still interrupts.
public struct VoicePacing: Sendable, Hashable {
    /// The audio carried by one `modelTurn` frame (default 80 ms = 3,840 bytes at 24 kHz).
    public var chunkDuration: Duration
    /// How many times faster than real time chunks are sent (default 4).
    public var speedFactor: Double
    /// Hold `turnComplete` until the audio has played out in real time (default true).
    public var waitsForPlayback: Bool
    /// The extended-thinking model's silence between its filler utterance and its answer
    /// (default 1.5 s).
    public var thinkingPause: Duration

    /// Pacing; the defaults resemble the service.
    public init(
        chunkDuration: Duration = .milliseconds(80), speedFactor: Double = 4, waitsForPlayback: Bool = true,
        thinkingPause: Duration = .milliseconds(1500)
    ) {
        self.chunkDuration = chunkDuration
        self.speedFactor = speedFactor
        self.waitsForPlayback = waitsForPlayback
        self.thinkingPause = thinkingPause
    }

    /// As fast as possible and no playback wait: for tests that only check content (the thinking
    /// pause shrinks to 100 ms, long enough to be seen between two utterances).
    public static let immediate = VoicePacing(
        speedFactor: .infinity, waitsForPlayback: false, thinkingPause: .milliseconds(100))

    /// The pause between two chunks.
    var interval: Duration {
        guard speedFactor.isFinite, speedFactor > 0 else { return .zero }
        return chunkDuration / speedFactor
    }
}
