import CPipeWire
import Foundation
import Logging
import PipeWireShim
import Synchronization

/// Takes the sink's chunks on a thread of its own instead of ``VirtualSink/events``: the sink
/// tells it on PipeWire's loop thread that chunks wait, and it reads them with
/// ``VirtualSink/takeChunk(into:partial:)`` on its own thread (one hop, no stream in between).
public protocol AudioChunkConsumer: AnyObject, Sendable {
    /// Called on PipeWire's loop thread when whole chunks wait in the ring, or (`partial`) when
    /// the input went quiet and the rest should go too. Hand over to the consumer's own thread;
    /// do not block.
    func chunksReady(partial: Bool)
}

/// The virtual sink `gemini-live-<id>-input` (`Audio/Sink`): apps play into it, and the session
/// reads what they play as S16LE mono at 16 kHz (PipeWire's adapter converts any format).
///
/// Data path: PipeWire's realtime thread copies each buffer into a preallocated ``SampleRing``
/// and, when a chunk boundary is crossed, signals an event source on the loop thread (an eventfd
/// write: no allocation, no lock). The loop thread tells the ``AudioChunkConsumer`` (the session's
/// uplink pump, which reads the chunk on its own thread with ``takeChunk(into:partial:)``) or,
/// without one, cuts whole chunks and yields them on ``events``: one wake-up per chunk, none per
/// sample or per quantum.
public final class VirtualSink: @unchecked Sendable {
    /// How the sink captures and chunks.
    public struct Configuration: Sendable {
        /// The sample rate the session reads (the Live API expects 16 kHz).
        public var sampleRate: Int
        /// The length of each ``AudioChunk``.
        ///
        /// 100 ms by default: per-message wake-ups, not bytes, dominate the cost of streaming
        /// audio (measured for the whole client: 0.9 % of a core at 100 ms chunks vs 3.4 % at
        /// 20 ms; python-genai 1.6 % vs 7.1 %), while 100 ms is still well under the model's own
        /// turn-detection latency. Shorter chunks cost CPU and buy little.
        public var chunkDuration: Duration
        /// How long the input must stay quiet after sound before ``AudioInputEvent/quiet``.
        public var quietAfter: Duration
        /// Samples whose magnitude stays at or below this count as silence.
        public var silenceThreshold: Int16
        /// How much audio the ring holds when the session does not keep up; newer audio is
        /// dropped (and counted) beyond it.
        public var ringDuration: Duration
        /// `node.latency`: the quantum the node asks the graph for.
        public var nodeLatency: String
        /// Where the audio comes from: apps playing into the sink (the default), or a source the
        /// session manager links the node to (then it is a capture stream, not a sink).
        public var source: InputSource

        /// The defaults: 16 kHz, 100 ms chunks, quiet after 1.5 s, a 2 s ring, 1024/48000, a sink.
        public init(
            sampleRate: Int = 16_000,
            chunkDuration: Duration = .milliseconds(100),
            quietAfter: Duration = .milliseconds(1500),
            silenceThreshold: Int16 = 32,
            ringDuration: Duration = .seconds(2),
            nodeLatency: String = "1024/48000",
            source: InputSource = .virtualSink
        ) {
            self.source = source
            self.sampleRate = sampleRate
            self.chunkDuration = chunkDuration
            self.quietAfter = quietAfter
            self.silenceThreshold = silenceThreshold
            self.ringDuration = ringDuration
            self.nodeLatency = nodeLatency
        }
    }

    /// The node name, `gemini-live-<id>-input`.
    public let name: String
    /// Captured chunks and quiet reports, for one consumer; finishes when the sink closes.
    public let events: AsyncStream<AudioInputEvent>

    private let pipeWire: PipeWireLoop
    private let configuration: Configuration
    private let chunkSamples: Int
    private let ring: SampleRing
    private let continuation: AsyncStream<AudioInputEvent>.Continuation
    private let logger: Logger

    // Written by the realtime thread.
    private let capturedFrames = Atomic<Int>(0)
    private let overrunFrames = Atomic<Int>(0)
    /// Events ``events`` could not buffer (its consumer fell 256 behind).
    private let droppedEvents = Atomic<Int>(0)
    private let lastSoundNanos = Atomic<Int>(0)
    private let largestCallbackFrames = Atomic<Int>(0)
    /// The largest sample magnitude since ``takePeak()`` last ran.
    private let peakMagnitude = Atomic<Int>(0)
    /// When the last chunk boundary was crossed (``AudioClock``).
    private let boundaryNanos = Atomic<Int>(0)

    /// The stream the realtime callback uses (a `pw_stream *` bit pattern, 0 when none).
    private let realtimeStream = Atomic<UInt>(0)
    /// Where chunks go instead of ``events``; nil: ``events``.
    private let consumer = Mutex<(any AudioChunkConsumer)?>(nil)

    // Guarded by the loop lock (touched on the loop thread or under withLock).
    private var node: StreamNode?
    private var wakeup: UnsafeMutablePointer<spa_source>?
    private var quietTimer: UnsafeMutablePointer<spa_source>?
    private var reportedSoundNanos = 0
    private let scratch: UnsafeMutableRawPointer

    init(pipeWire: PipeWireLoop, name: String, description: String, configuration: Configuration,
         logger: Logger) throws(AudioNodesError) {
        self.pipeWire = pipeWire
        self.name = name
        self.configuration = configuration
        self.logger = logger
        chunkSamples = max(1, Int(configuration.chunkDuration.seconds * Double(configuration.sampleRate)))
        ring = SampleRing(minimumCapacity: max(2 * chunkSamples,
                                               Int(configuration.ringDuration.seconds * Double(configuration.sampleRate))))
        scratch = .allocate(byteCount: 2 * chunkSamples, alignment: 2)
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(256))
        let properties = NodeProperties.input(name: name, description: description, role: "Communication",
                                              latency: configuration.nodeLatency, source: configuration.source)
        let owner = Unmanaged.passUnretained(self).toOpaque()
        try pipeWire.withLock { () throws(AudioNodesError) in
            let core = try pipeWire.coreLocked()
            wakeup = pwshim_loop_add_event(pipeWire.loop, { data, _ in
                guard let data else { return }
                Unmanaged<VirtualSink>.fromOpaque(data).takeUnretainedValue().deliverChunks(includingPartial: false)
            }, owner)
            quietTimer = pwshim_loop_add_timer(pipeWire.loop, { data, _ in
                guard let data else { return }
                Unmanaged<VirtualSink>.fromOpaque(data).takeUnretainedValue().checkQuiet()
            }, owner)
            let tick = UInt64(max(10_000_000, min(100_000_000, configuration.quietAfter.nanoseconds / 4)))
            pwshim_loop_update_timer(pipeWire.loop, quietTimer, tick, tick)
            do throws(AudioNodesError) {
                node = try StreamNode(
                    core: core, properties: properties, direction: SPA_DIRECTION_INPUT,
                    rate: UInt32(configuration.sampleRate), autoconnect: configuration.source.autoconnects,
                    process: { data in
                        guard let data else { return }
                        Unmanaged<VirtualSink>.fromOpaque(data).takeUnretainedValue().process()
                    },
                    stateChanged: { data, _, state, error in
                        guard let data else { return }
                        Unmanaged<VirtualSink>.fromOpaque(data).takeUnretainedValue().stateChanged(state, error)
                    },
                    owner: owner)
            realtimeStream.store(node.flatMap { $0.stream }.map { UInt(bitPattern: $0) } ?? 0, ordering: .releasing)
            } catch {
                closeLocked()
                throw error
            }
        }
    }

    deinit {
        close()
        scratch.deallocate()
    }

    /// Frames captured so far (at ``Configuration/sampleRate``).
    public var framesCaptured: Int { capturedFrames.load(ordering: .relaxed) }
    /// Frames dropped because the session did not keep up with the ring.
    public var framesOverrun: Int { overrunFrames.load(ordering: .relaxed) }
    /// Chunks and quiet reports ``events`` dropped because its consumer fell too far behind.
    public var eventsDropped: Int { droppedEvents.load(ordering: .relaxed) }
    /// The largest buffer one process callback delivered, in frames (a measure of the quantum).
    public var largestCallback: Int { largestCallbackFrames.load(ordering: .relaxed) }

    /// The largest sample magnitude (0…32768) captured since the previous call, which resets
    /// it: the level meter's peak. Lock-free: the realtime thread keeps a running maximum.
    public func takePeak() -> Int {
        peakMagnitude.exchange(0, ordering: .relaxed)
    }

    /// The PipeWire node id, once the node exists in the graph.
    public var nodeID: UInt32? { pipeWire.withLock { node?.nodeIDLocked } }

    /// Removes the node and finishes ``events``. Idempotent.
    public func close() {
        pipeWire.withLock { closeLocked() }
        continuation.finish()
    }

    private func closeLocked() {
        realtimeStream.store(0, ordering: .releasing)
        node?.destroyLocked()
        node = nil
        if let wakeup { pwshim_loop_destroy_source(pipeWire.loop, wakeup) }
        if let quietTimer { pwshim_loop_destroy_source(pipeWire.loop, quietTimer) }
        wakeup = nil
        quietTimer = nil
    }

    // MARK: Realtime thread: copy, count, signal. Nothing else.

    private func process() {
        guard let stream = OpaquePointer(bitPattern: realtimeStream.load(ordering: .acquiring)),
              let mapped = MappedBuffer(dequeuingFrom: stream)
        else { return }
        defer { mapped.queue() }
        let (data, samples, chunk) = (mapped.data, mapped.samples, mapped.chunk)
        let offset = Int(min(chunk.pointee.offset, data.pointee.maxsize))
        let frames = Int(min(chunk.pointee.size, data.pointee.maxsize - UInt32(offset))) / 2
        guard frames > 0 else { return }
        let start = samples + offset
        let before = ring.count
        let written = ring.write(bytes: start, sampleCount: frames)
        capturedFrames.add(frames, ordering: .relaxed)
        if written < frames { overrunFrames.add(frames - written, ordering: .relaxed) }
        if frames > largestCallbackFrames.load(ordering: .relaxed) {
            largestCallbackFrames.store(frames, ordering: .relaxed)
        }
        let typed = start.assumingMemoryBound(to: Int16.self)
        let peak = samplePeak(typed, count: frames)
        if peak > Int(configuration.silenceThreshold) {
            lastSoundNanos.store(monotonicNanoseconds(), ordering: .relaxed)
        }
        if peak > peakMagnitude.load(ordering: .relaxed) { peakMagnitude.store(peak, ordering: .relaxed) }
        if (before + written) / chunkSamples > before / chunkSamples, let wakeup = self.wakeup {
            boundaryNanos.store(monotonicNanoseconds(), ordering: .relaxed)
            pwshim_loop_signal_event(pipeWire.loop, wakeup)
        }
    }

    // MARK: A consumer's thread

    /// Sends chunks to `consumer` (nil: to ``events`` again). ``events`` still reports
    /// ``AudioInputEvent/quiet``, after the consumer was told to take the partial chunk.
    public func setConsumer(_ consumer: (any AudioChunkConsumer)?) {
        self.consumer.withLock { $0 = consumer }
    }

    /// The bytes of one whole chunk: what ``takeChunk(into:partial:)`` may write.
    public var chunkByteCount: Int { 2 * chunkSamples }

    /// For the consumer, on its thread: moves the next whole chunk (or, with `partial`, what is
    /// left) into `destination` (``chunkByteCount`` bytes); returns its sample count (0 when none
    /// waits) and when its last sample reached the ring (``AudioClock``).
    public func takeChunk(into destination: UnsafeMutableRawPointer, partial: Bool) -> (samples: Int, capturedAt: Int) {
        let available = ring.count
        let n = available >= chunkSamples ? chunkSamples : (partial ? available : 0)
        guard n > 0 else { return (0, 0) }
        let capturedAt = partial && n < chunkSamples ? monotonicNanoseconds() : boundaryNanos.load(ordering: .relaxed)
        return (ring.read(into: destination, count: n), capturedAt)
    }

    // MARK: Loop thread

    private func deliverChunks(includingPartial: Bool) {
        if let consumer = consumer.withLock({ $0 }) {
            consumer.chunksReady(partial: includingPartial)
            return
        }
        let capturedAt = includingPartial ? monotonicNanoseconds() : boundaryNanos.load(ordering: .relaxed)
        while true {
            let available = ring.count
            let n = available >= chunkSamples ? chunkSamples : (includingPartial ? available : 0)
            guard n > 0 else { return }
            let got = ring.read(into: scratch, count: n)
            guard got > 0 else { return }
            let bytes = Data(bytes: scratch, count: 2 * got)
            yield(.audio(AudioChunk(bytes: bytes, capturedAt: capturedAt)))
        }
    }

    private func checkQuiet() {
        let lastSound = lastSoundNanos.load(ordering: .relaxed)
        guard lastSound != 0, lastSound != reportedSoundNanos,
              monotonicNanoseconds() - lastSound >= Int(configuration.quietAfter.nanoseconds)
        else { return }
        reportedSoundNanos = lastSound
        deliverChunks(includingPartial: true)
        yield(.quiet)
    }

    private func yield(_ event: AudioInputEvent) {
        if case .dropped = continuation.yield(event) { droppedEvents.add(1, ordering: .relaxed) }
    }

    private func stateChanged(_ state: pw_stream_state, _ error: UnsafePointer<CChar>?) {
        let text = String(cString: pw_stream_state_as_string(state))
        if let error {
            logger.warning("input node error", metadata: ["node": "\(name)", "state": "\(text)",
                                                         "error": "\(String(cString: error))"])
        } else {
            logger.debug("input node state", metadata: ["node": "\(name)", "state": "\(text)"])
        }
    }
}
