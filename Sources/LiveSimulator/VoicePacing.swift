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

    /// Pacing; the defaults resemble the service.
    public init(chunkDuration: Duration = .milliseconds(80), speedFactor: Double = 4, waitsForPlayback: Bool = true) {
        self.chunkDuration = chunkDuration
        self.speedFactor = speedFactor
        self.waitsForPlayback = waitsForPlayback
    }

    /// As fast as possible and no playback wait: for tests that only check content.
    public static let immediate = VoicePacing(speedFactor: .infinity, waitsForPlayback: false)

    /// The pause between two chunks.
    var interval: Duration {
        guard speedFactor.isFinite, speedFactor > 0 else { return .zero }
        return chunkDuration / speedFactor
    }
}
