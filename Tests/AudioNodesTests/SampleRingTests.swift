@testable import AudioNodes
import Synchronization
import Testing

/// `SampleRing` without PipeWire: order across the wrap, a full ring, discards, and a discard racing a read.
@Suite("SampleRing: a lock-free SPSC ring with producer-side discard")
struct SampleRingTests {
    static func write(_ ring: SampleRing, _ samples: [Int16]) -> Int {
        samples.withUnsafeBytes { ring.write(bytes: $0.baseAddress!, sampleCount: samples.count) }
    }

    static func read(_ ring: SampleRing, _ count: Int) -> [Int16] {
        var out = [Int16](repeating: -1, count: count)
        let n = out.withUnsafeMutableBytes { ring.read(into: $0.baseAddress!, count: count) }
        return Array(out.prefix(n))
    }

    @Test("capacity is the next power of two; a full ring takes only what fits")
    func capacityAndFull() {
        let ring = SampleRing(minimumCapacity: 5)
        #expect(ring.capacity == 8)
        #expect(Self.write(ring, numbered(from: 0, count: 6)) == 6)
        #expect(Self.write(ring, numbered(from: 6, count: 6)) == 2, "only the free space is taken")
        #expect(ring.count == 8)
        #expect(Self.read(ring, 100) == numbered(from: 0, count: 8))
        #expect(ring.count == 0)
        #expect(Self.read(ring, 4).isEmpty, "an empty ring delivers nothing")
    }

    @Test("samples come out in order across many wrap-arounds of the storage")
    func wrapAround() {
        let ring = SampleRing(minimumCapacity: 8)
        var next = 0
        var expected = 0
        for step in 0..<1_000 {
            let size = 1 + step % 7
            next += Self.write(ring, numbered(from: next, count: size))
            let got = Self.read(ring, 1 + (step * 3) % 7)
            #expect(got == numbered(from: expected, count: got.count))
            expected += got.count
        }
        #expect(Self.read(ring, 8) == numbered(from: expected, count: next - expected))
    }

    @Test("discard keeps the newest samples and says how many it dropped")
    func discard() {
        let ring = SampleRing(minimumCapacity: 16)
        _ = Self.write(ring, numbered(from: 0, count: 10))
        #expect(ring.discard(keepingNewest: 3) == 7)
        #expect(ring.discard(keepingNewest: 5) == 0, "fewer than that are queued: nothing to drop")
        #expect(Self.read(ring, 16) == numbered(from: 7, count: 3))
        _ = Self.write(ring, numbered(from: 10, count: 4))
        #expect(ring.discard(keepingNewest: 0) == 4)
        #expect(ring.count == 0)
    }

    @Test("a discard racing reads: every sample is delivered once in order or counted as dropped, never both")
    func discardRacingRead() async {
        let ring = SampleRing(minimumCapacity: 256)
        let total = 200_000   // samples: 100 000 records
        let dropped = Atomic<Int>(0)
        let delivered = Atomic<Int>(0)
        let disorder = Atomic<Int>(0)
        let producerDone = Atomic<Bool>(false)
        await runConcurrently({
            var next = 0   // records
            var step = 0
            while next * 2 < total {
                let samples = records(from: next, count: min(32, total / 2 - next))
                next += samples.withUnsafeBytes { ring.write(bytes: $0.baseAddress!, sampleCount: samples.count) } / 2
                step += 1
                if step % 5 == 0 { dropped.add(ring.discard(keepingNewest: 16), ordering: .relaxed) }
            }
            producerDone.store(true, ordering: .releasing)
        }, {
            var buffer = [Int16](repeating: 0, count: 48)
            var order = RecordOrder()
            while !producerDone.load(ordering: .acquiring) || ring.count > 0 {
                let n = buffer.withUnsafeMutableBytes { ring.read(into: $0.baseAddress!, count: 48) }
                order.check(buffer.prefix(n))
                delivered.add(n, ordering: .relaxed)
            }
            disorder.store(order.disorder, ordering: .relaxed)
        })
        #expect(disorder.load(ordering: .relaxed) == 0, "samples came out of order or twice")
        #expect(delivered.load(ordering: .relaxed) + dropped.load(ordering: .relaxed) == total)
        #expect(dropped.load(ordering: .relaxed) > 0, "the race was exercised")
    }
}
