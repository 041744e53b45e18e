/// The clock the audio path stamps its events with (CLOCK_MONOTONIC, in nanoseconds), so that
/// the session can measure the gateway's own latency from PipeWire's thread to the socket and back.
public enum AudioClock {
    /// Now, in nanoseconds of CLOCK_MONOTONIC.
    public static func nanoseconds() -> Int {
        monotonicNanoseconds()
    }
}
