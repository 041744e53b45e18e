import Synchronization

/// The jitter buffer of ``VirtualMicrophone``, apart from PipeWire: model audio queues in a
/// preallocated ``SampleRing``; the consumer starts playing once the target depth is queued (or the
/// turn is finished), plays silence when the ring is empty, and counts an underrun when it ran dry
/// mid-turn. With no consumer for the idle time, a push keeps only the newest target depth.
///
/// The producer side (``push(bytes:sampleCount:now:)``, ``finishTurn()``, ``flush()``) may be called
/// from any thread: it serializes on a lock the consumer never takes. The consumer side
/// (``fill(_:frames:now:)``) runs on one thread at a time (PipeWire's realtime thread) and takes
/// no lock and allocates nothing.
///
/// `@unchecked Sendable`: `playing` is the only mutable stored property that is neither atomic nor
/// under `producer`, and only the consumer (``fill(_:frames:now:)``, one thread at a time by contract)
/// reads or writes it; the ring is single-producer (every producer call holds `producer`) and
/// single-consumer; every other shared value is an `Atomic`.
final class JitterBuffer: @unchecked Sendable {
    /// Samples to queue before playing starts (and again after an underrun).
    let targetSamples: Int
    private let idleNanos: Int
    private let ring: SampleRing
    private let producer = Mutex(())

    private let playedFrames = Atomic<Int>(0)
    private let underrunCount = Atomic<Int>(0)
    private let droppedFrames = Atomic<Int>(0)
    private let overflowedFrames = Atomic<Int>(0)
    private let lastConsumedNanos = Atomic<Int>(0)
    private let turnFinished = Atomic<Bool>(true)
    // Consumer only.
    private var playing = false

    /// A buffer that starts playing at `targetSamples`, holds at least `capacitySamples` (and twice the
    /// target), and trims to the target after `idleNanos` without a consumer.
    init(targetSamples: Int, capacitySamples: Int, idleNanos: Int) {
        self.targetSamples = targetSamples
        self.idleNanos = idleNanos
        ring = SampleRing(minimumCapacity: max(targetSamples * 2, capacitySamples))
    }

    /// Samples the ring holds.
    var capacity: Int { ring.capacity }
    /// Samples queued now.
    var count: Int { ring.count }
    /// Samples of pushed audio delivered to the consumer so far (silence not counted).
    var played: Int { playedFrames.load(ordering: .relaxed) }
    /// How often the buffer ran dry in the middle of a turn.
    var underruns: Int { underrunCount.load(ordering: .relaxed) }
    /// Samples dropped without playing: flushed, overflowed, or stale while nobody consumed.
    var dropped: Int { droppedFrames.load(ordering: .relaxed) }
    /// Samples dropped because audio was pushed into a full ring (part of ``dropped``).
    var overflowed: Int { overflowedFrames.load(ordering: .relaxed) }
    /// Samples the ring can take now without dropping any.
    var free: Int { ring.capacity - ring.count }

    // MARK: Producer

    /// Queues `sampleCount` native-endian samples from `bytes` at monotonic time `now` (ns). Starts a
    /// turn. Room is made by dropping the oldest audio; audio beyond the capacity is dropped at once.
    func push(bytes base: UnsafeRawPointer, sampleCount count: Int, now: Int) {
        producer.withLock { _ in
            turnFinished.store(false, ordering: .releasing)
            let room = ring.capacity - count
            var overflow = 0
            if ring.count > room {
                overflow += ring.discard(keepingNewest: max(0, room))
            }
            let skipped = max(0, count - ring.capacity)
            _ = ring.write(bytes: base + 2 * skipped, sampleCount: count - skipped)
            overflow += skipped
            droppedFrames.add(overflow, ordering: .relaxed)
            overflowedFrames.add(overflow, ordering: .relaxed)
            if now - lastConsumedNanos.load(ordering: .relaxed) > idleNanos {
                droppedFrames.add(ring.discard(keepingNewest: targetSamples), ordering: .relaxed)
            }
        }
    }

    /// Marks the end of the turn: the rest plays without waiting for the target, and running dry
    /// is no underrun.
    func finishTurn() {
        producer.withLock { _ in turnFinished.store(true, ordering: .releasing) }
    }

    /// Drops everything queued and ends the turn.
    func flush() {
        producer.withLock { _ in
            turnFinished.store(true, ordering: .releasing)
            droppedFrames.add(ring.discard(keepingNewest: 0), ordering: .relaxed)
        }
    }

    // MARK: Consumer

    /// Fills `frames` samples at `destination` at monotonic time `now` (ns): queued audio once
    /// playing, silence for the rest. Returns how many samples were audio.
    func fill(_ destination: UnsafeMutableRawPointer, frames: Int, now: Int) -> Int {
        lastConsumedNanos.store(now, ordering: .relaxed)
        let finished = turnFinished.load(ordering: .acquiring)
        let available = ring.count
        if !playing, available >= max(targetSamples, 1) || (finished && available > 0) {
            playing = true
        }
        var delivered = 0
        if playing {
            delivered = ring.read(into: destination, count: min(available, frames))
            if delivered < frames {
                playing = false
                if !finished { underrunCount.add(1, ordering: .relaxed) }
            }
        }
        if delivered < frames {
            (destination + 2 * delivered).initializeMemory(as: UInt8.self, repeating: 0, count: 2 * (frames - delivered))
        }
        playedFrames.add(delivered, ordering: .relaxed)
        return delivered
    }
}
