import AudioNodes
import LiveClient
import Synchronization

/// The session's model audio on the connection's event loop: the connection's frame handler
/// hands every model-audio frame, base64-decoded, straight to the session's voice nodes here,
/// with no task or actor in between (``LiveVoiceSink``).
///
/// The session's policy reaches it as two atomics set from the actor: whether the reply is being
/// dropped (after Interrupt), and whether the actor wants to hear of the next audio (the first of
/// a reply, which moves the conversation to `responding`). While the nodes' buffer is full the
/// connection stops reading (``voiceRoom()``), so a long burst waits in TCP, not in memory.
final class VoicePump: LiveVoiceSink {
    private let echoGuard: EchoGuardCell
    private let nodes = Mutex<SessionAudio?>(nil)
    private let dropping = Atomic<Bool>(false)
    private let announce = Atomic<Bool>(true)
    private let received = Atomic<Int>(0)
    private let latency = Mutex(LatencyWindow())
    private let playsUntil = Atomic<Int>(0)

    /// A pump whose first voice after the guard is armed starts its window.
    init(echoGuard: EchoGuardCell) {
        self.echoGuard = echoGuard
    }

    /// Model samples queued on the nodes (or counted while there were none).
    var samplesReceived: Int { received.load(ordering: .relaxed) }
    /// Frame read from the socket → samples in the voice ring.
    var downlink: LatencyWindow { latency.withLock { $0 } }
    /// When the voice queued so far will have played (``AudioNodes/AudioClock``; 0 before any).
    var voicePlaysUntil: Int { playsUntil.load(ordering: .relaxed) }

    /// The nodes the voice plays into; nil while there are none (the audio is counted, not played).
    func play(into audio: SessionAudio?) {
        nodes.withLock { $0 = audio }
    }

    /// Follows the conversation: drop the voice while its reply is dropped, and announce the next
    /// audio unless a reply is already arriving.
    func follow(dropping drops: Bool, announce announces: Bool) {
        dropping.store(drops, ordering: .releasing)
        announce.store(announces, ordering: .releasing)
    }

    func voiceRoom() -> Int {
        guard !dropping.load(ordering: .acquiring), let audio = nodes.withLock({ $0 }) else { return .max }
        return min(audio.output.freeSamples, audio.speaker?.freeSamples ?? .max)
    }

    func voiceCapacity() -> Int {
        guard let audio = nodes.withLock({ $0 }) else { return .max }
        return min(audio.output.capacitySamples, audio.speaker?.capacitySamples ?? .max)
    }

    func queueVoice(_ pcm: UnsafeRawBufferPointer, receivedAt: ContinuousClock.Instant) -> Bool {
        guard !dropping.load(ordering: .acquiring) else { return false }
        queue(pcm, receivedAt: receivedAt)
        return announce.exchange(false, ordering: .acquiringAndReleasing)
    }

    /// Queues `pcm` on the nodes and counts it; also the path of audio that came as an event.
    func queue(_ pcm: UnsafeRawBufferPointer, receivedAt: ContinuousClock.Instant) {
        received.add(pcm.count / 2, ordering: .relaxed)
        guard let audio = nodes.withLock({ $0 }) else { return }
        audio.pushVoice(bytes: pcm)
        let now = AudioClock.nanoseconds()
        echoGuard.voiceQueued(atNanoseconds: now)
        let buffered = max(audio.output.bufferedMilliseconds, audio.speaker?.bufferedMilliseconds ?? 0)
        playsUntil.store(now + buffered * 1_000_000, ordering: .relaxed)
        let elapsed = ContinuousClock.now - receivedAt
        let nanoseconds = Int(elapsed.components.seconds) * 1_000_000_000 + Int(elapsed.components.attoseconds / 1_000_000_000)
        latency.withLock { $0.record(nanoseconds: nanoseconds) }
    }
}
