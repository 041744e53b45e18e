@testable import AudioNodes
import Synchronization
import Testing

/// The virtual microphone's jitter logic without PipeWire: start threshold, underruns, flush, idle trim, overflow.
@Suite("JitterBuffer: when the voice starts, runs dry and is dropped")
struct JitterBufferTests {
    /// Never idle unless a test says so.
    static let never = Int.max / 4

    static func push(_ buffer: JitterBuffer, _ samples: [Int16], now: Int = 0) {
        samples.withUnsafeBytes { buffer.push(bytes: $0.baseAddress!, sampleCount: samples.count, now: now) }
    }

    /// One consumer callback of `frames`: the samples it filled (audio then silence) and how many were audio.
    static func fill(_ buffer: JitterBuffer, _ frames: Int, now: Int = 0) -> (samples: [Int16], audio: Int) {
        var out = [Int16](repeating: -1, count: frames)
        let audio = out.withUnsafeMutableBytes { buffer.fill($0.baseAddress!, frames: frames, now: now) }
        return (out, audio)
    }

    @Test("silence until the target depth is queued, then the audio in order")
    func startThreshold() {
        let buffer = JitterBuffer(targetSamples: 100, capacitySamples: 1_000, idleNanos: Self.never)
        Self.push(buffer, numbered(from: 0, count: 60))
        let early = Self.fill(buffer, 50)
        #expect(early.audio == 0)
        #expect(early.samples == [Int16](repeating: 0, count: 50), "silence, not stale memory")
        #expect(buffer.underruns == 0, "not playing yet: no underrun")
        Self.push(buffer, numbered(from: 60, count: 60))
        let started = Self.fill(buffer, 50)
        #expect(started.audio == 50)
        #expect(started.samples == numbered(from: 0, count: 50))
        #expect(buffer.played == 50)
    }

    @Test("a finished turn plays out below the target, and running dry then is no underrun")
    func finishedTurnPlaysOut() {
        let buffer = JitterBuffer(targetSamples: 100, capacitySamples: 1_000, idleNanos: Self.never)
        Self.push(buffer, numbered(from: 0, count: 30))
        buffer.finishTurn()
        let tail = Self.fill(buffer, 50)
        #expect(tail.audio == 30)
        #expect(tail.samples == numbered(from: 0, count: 30) + [Int16](repeating: 0, count: 20))
        #expect(buffer.underruns == 0)
    }

    @Test("running dry mid-turn counts one underrun, then waits for the target again")
    func underrunCount() {
        let buffer = JitterBuffer(targetSamples: 100, capacitySamples: 1_000, idleNanos: Self.never)
        Self.push(buffer, numbered(from: 0, count: 120))
        #expect(Self.fill(buffer, 100).audio == 100)
        let dry = Self.fill(buffer, 100)
        #expect(dry.audio == 20)
        #expect(dry.samples.suffix(80) == ArraySlice([Int16](repeating: 0, count: 80)))
        #expect(buffer.underruns == 1)
        #expect(Self.fill(buffer, 100).audio == 0)
        #expect(buffer.underruns == 1, "an underrun is counted once, not per silent callback")
        Self.push(buffer, numbered(from: 120, count: 50))
        #expect(Self.fill(buffer, 10).audio == 0, "below the target again after the underrun")
        Self.push(buffer, numbered(from: 170, count: 50))
        #expect(Self.fill(buffer, 10).samples == numbered(from: 120, count: 10))
    }

    @Test("flush drops everything queued, counted; the next callback is silent")
    func flush() {
        let buffer = JitterBuffer(targetSamples: 10, capacitySamples: 1_000, idleNanos: Self.never)
        Self.push(buffer, numbered(from: 0, count: 300))
        #expect(Self.fill(buffer, 100).audio == 100)
        buffer.flush()
        #expect(buffer.dropped == 200)
        #expect(buffer.count == 0)
        #expect(Self.fill(buffer, 100).audio == 0)
        Self.push(buffer, numbered(from: 300, count: 20))
        #expect(Self.fill(buffer, 20).samples == numbered(from: 300, count: 20), "audio pushed afterwards plays")
    }

    @Test("with no consumer for the idle time a push keeps only the newest target depth")
    func idleTrim() {
        let idle = 250_000_000
        let buffer = JitterBuffer(targetSamples: 40, capacitySamples: 1_000, idleNanos: idle)
        _ = Self.fill(buffer, 10, now: 1_000)
        Self.push(buffer, numbered(from: 0, count: 100), now: 1_000 + idle / 2)
        #expect(buffer.count == 100, "a consumer was seen recently: nothing trimmed")
        Self.push(buffer, numbered(from: 100, count: 100), now: 1_000 + idle + 1)
        #expect(buffer.count == 40)
        #expect(buffer.dropped == 160)
        #expect(Self.fill(buffer, 40, now: 1_000 + idle + 2).samples == numbered(from: 160, count: 40), "the present, not a backlog")
    }

    @Test("a full buffer drops the oldest audio to make room, and audio beyond the capacity at once; both count as overflow")
    func overflow() {
        let buffer = JitterBuffer(targetSamples: 10, capacitySamples: 64, idleNanos: Self.never)
        #expect(buffer.capacity == 64)
        Self.push(buffer, numbered(from: 0, count: 50))
        #expect(buffer.free == 14)
        Self.push(buffer, numbered(from: 50, count: 30))
        #expect(buffer.count == 64)
        #expect(buffer.free == 0)
        #expect(buffer.dropped == 16)
        #expect(buffer.overflowed == 16)
        #expect(Self.fill(buffer, 64).samples == numbered(from: 16, count: 64))
        #expect(buffer.free == 64)
        Self.push(buffer, numbered(from: 80, count: 100))
        #expect(buffer.dropped == 16 + 36)
        #expect(buffer.overflowed == 16 + 36)
        #expect(Self.fill(buffer, 64).samples == numbered(from: 116, count: 64))
    }

    @Test("flushed and idle-trimmed audio is dropped but no overflow")
    func droppedWithoutOverflow() {
        let idle = 250_000_000
        let buffer = JitterBuffer(targetSamples: 40, capacitySamples: 1_000, idleNanos: idle)
        _ = Self.fill(buffer, 10, now: 1_000)
        Self.push(buffer, numbered(from: 0, count: 100), now: 1_000 + idle + 1)
        buffer.flush()
        #expect(buffer.dropped == 100)
        #expect(buffer.overflowed == 0)
    }

    @Test("producer and consumer on two threads: every pushed sample is played once in order or counted as dropped")
    func concurrentPushAndFill() async {
        let buffer = JitterBuffer(targetSamples: 32, capacitySamples: 512, idleNanos: Self.never)
        let total = 100_000   // samples: 50 000 records
        let done = Atomic<Bool>(false)
        let disorder = Atomic<Int>(0)
        await runConcurrently({
            var next = 0   // records
            var step = 0
            while next * 2 < total {
                let samples = records(from: next, count: min(48, total / 2 - next))
                samples.withUnsafeBytes { buffer.push(bytes: $0.baseAddress!, sampleCount: samples.count, now: 0) }
                next += samples.count / 2
                step += 1
                if step % 50 == 0 { buffer.flush() }
            }
            buffer.finishTurn()
            done.store(true, ordering: .releasing)
        }, {
            var out = [Int16](repeating: 0, count: 64)
            var order = RecordOrder()
            while !done.load(ordering: .acquiring) || buffer.count > 0 {
                let audio = out.withUnsafeMutableBytes { buffer.fill($0.baseAddress!, frames: 64, now: 0) }
                order.check(out.prefix(audio))
            }
            disorder.store(order.disorder, ordering: .relaxed)
        })
        #expect(disorder.load(ordering: .relaxed) == 0)
        #expect(buffer.played + buffer.dropped == total, "played \(buffer.played), dropped \(buffer.dropped)")
    }
}
