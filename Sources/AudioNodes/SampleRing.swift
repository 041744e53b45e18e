import Synchronization

/// A preallocated ring of 16-bit samples between one producer and one consumer, lock-free and
/// allocation-free after `init`, safe to use from PipeWire's realtime thread.
///
/// Indices count samples since creation and never wrap (an `Int` lasts for millions of years of
/// audio), so `write - read` is the fill level. Besides the plain SPSC protocol the producer may
/// *discard* queued samples (``discard(keepingNewest:)``) by moving the read index forward with a
/// compare-and-swap; the consumer commits its reads with a compare-and-swap too and throws its
/// copy away when a discard overtook it, so a discarded sample is never delivered.
///
/// `@unchecked Sendable`: the storage is written only at indices in `[read, write)` of the producer's
/// own `write` before it publishes them with a releasing store, and read only at published indices
/// (acquiring loads); the indices are `Atomic`. That holds for one producer and one consumer at a
/// time, which is the contract (``JitterBuffer`` and ``VirtualSink`` keep it).
final class SampleRing: @unchecked Sendable {
    /// The number of samples the ring holds (a power of two).
    let capacity: Int
    private let mask: Int
    private let storage: UnsafeMutablePointer<Int16>
    private let writeIndex = Atomic<Int>(0)
    private let readIndex = Atomic<Int>(0)

    /// A ring holding at least `minimumCapacity` samples.
    init(minimumCapacity: Int) {
        var capacity = 1
        while capacity < max(minimumCapacity, 2) { capacity <<= 1 }
        self.capacity = capacity
        self.mask = capacity - 1
        self.storage = .allocate(capacity: capacity)
        self.storage.initialize(repeating: 0, count: capacity)
    }

    deinit {
        storage.deallocate()
    }

    /// Samples queued now (a snapshot; either side may change it right after).
    var count: Int {
        let read = readIndex.load(ordering: .acquiring)
        return max(0, writeIndex.load(ordering: .acquiring) - read)
    }

    // MARK: Producer

    /// Appends up to `byteCount / 2` native-endian samples from `bytes`; returns how many fitted.
    func write(bytes: UnsafeRawPointer, sampleCount: Int) -> Int {
        let write = writeIndex.load(ordering: .relaxed)
        let free = capacity - (write - readIndex.load(ordering: .acquiring))
        let n = min(sampleCount, free)
        guard n > 0 else { return 0 }
        let start = write & mask
        let first = min(n, capacity - start)
        UnsafeMutableRawPointer(storage + start).copyMemory(from: bytes, byteCount: first * 2)
        if first < n {
            UnsafeMutableRawPointer(storage).copyMemory(from: bytes + first * 2, byteCount: (n - first) * 2)
        }
        writeIndex.store(write + n, ordering: .releasing)
        return n
    }

    /// Drops the oldest queued samples so that at most `keep` remain; returns how many it dropped.
    @discardableResult
    func discard(keepingNewest keep: Int) -> Int {
        let target = writeIndex.load(ordering: .relaxed) - max(0, keep)
        var read = readIndex.load(ordering: .acquiring)
        while read < target {
            let (exchanged, original) = readIndex.compareExchange(
                expected: read, desired: target, ordering: .acquiringAndReleasing)
            if exchanged { return target - read }
            read = original
        }
        return 0
    }

    // MARK: Consumer

    /// Moves up to `count` samples into `destination`; returns how many it delivered (0 when a
    /// discard overtook the copy).
    func read(into destination: UnsafeMutableRawPointer, count wanted: Int) -> Int {
        let read = readIndex.load(ordering: .acquiring)
        let n = min(wanted, writeIndex.load(ordering: .acquiring) - read)
        guard n > 0 else { return 0 }
        let start = read & mask
        let first = min(n, capacity - start)
        destination.copyMemory(from: storage + start, byteCount: first * 2)
        if first < n {
            (destination + first * 2).copyMemory(from: storage, byteCount: (n - first) * 2)
        }
        let (committed, _) = readIndex.compareExchange(
            expected: read, desired: read + n, ordering: .acquiringAndReleasing)
        return committed ? n : 0
    }
}
