import Synchronization

/// The session's ``EchoConvergenceGuard``, shared by the actor (which arms it when a canceller is
/// loaded), the voice pump (whose first voice after that starts the window) and the uplink pump
/// (which sends the input captured in the window as silence), on whatever thread each runs.
final class EchoGuardCell: Sendable {
    private let state = Mutex(EchoConvergenceGuard())
    /// Armed and waiting for the first voice: the voice pump's check without the lock.
    private let armed = Atomic<Bool>(false)

    /// A canceller was just loaded: the next voice starts the window.
    func arm() {
        state.withLock { $0.arm() }
        armed.store(true, ordering: .releasing)
    }

    /// Voice was queued at `nanoseconds` (``AudioNodes/AudioClock``).
    func voiceQueued(atNanoseconds now: Int) {
        guard armed.exchange(false, ordering: .acquiringAndReleasing) else { return }
        state.withLock { $0.voiceQueued(atNanoseconds: now) }
    }

    /// Whether a chunk whose last sample was captured at `capturedAt` (covering `duration`
    /// before it) is sent as silence.
    func silences(capturedAt: Int, duration: Duration) -> Bool {
        state.withLock { $0.silences(capturedAt: capturedAt, duration: duration) }
    }
}
