import CPipeWire
import Logging
import PipeWireShim
import Synchronization

/// The virtual microphone `gemini-live-<id>-voice`: apps record the model's voice from it,
/// S16LE mono at 24 kHz (PipeWire's adapter converts to what the recorder asks for).
///
/// The session pushes model audio with ``push(bytes:)``; it queues in a ``JitterBuffer`` (a
/// preallocated ``SampleRing``). The realtime process callback starts playing once
/// ``Configuration/targetDepth`` is queued (or the turn is finished), plays silence when the
/// buffer is empty, and counts an underrun when it ran dry mid-turn. ``flush()`` drops
/// everything queued: the next quantum is silent.
///
/// A node nobody records from is not scheduled, so nothing drains the buffer then. `push`
/// notices that (no process callback for ``Configuration/idleAfter``) and keeps only the newest
/// ``Configuration/targetDepth`` of audio, so a recorder that starts later hears the present,
/// not a backlog.
///
/// `push`, ``finishTurn()`` and ``flush()`` may be called from any thread; they serialize on a
/// small lock that the realtime thread never takes.
///
/// `@unchecked Sendable`: its one mutable stored property, `node`, is read and written only under
/// the PipeWire loop lock (`pipeWire.withLock`); the rest is immutable, atomic, or the `Sendable`
/// ``JitterBuffer``.
public final class VirtualMicrophone: @unchecked Sendable {
    /// How the microphone plays.
    public struct Configuration: Sendable {
        /// The sample rate of pushed audio (the Live API sends 24 kHz).
        public var sampleRate: Int
        /// How much audio to queue before playing starts (and again after an underrun).
        public var targetDepth: Duration
        /// The most audio the buffer holds. The session's connection stops reading while it is
        /// full (``freeSamples``), so a burst from the service waits in TCP; audio pushed into a
        /// full buffer drops the oldest (counted in ``framesOverflowed``).
        public var capacity: Duration
        /// With no process callback for this long, nobody records: keep only the target depth.
        public var idleAfter: Duration
        /// `media.class`: `Audio/Source` (with `node.virtual = true`, as PipeWire's own virtual
        /// sources), or `Stream/Output/Audio` for a playback stream.
        ///
        /// Not `Audio/Source/Virtual`: under WirePlumber 0.4.13 a pw_stream of that class is linked
        /// but never starts (PipeWire logs "error -95 … start failed" and the node stays suspended),
        /// so nothing can record it.
        public var mediaClass: String
        /// `node.latency`: the quantum the node asks the graph for.
        public var nodeLatency: String
        /// Let the session manager link the node: for a playback stream (`Stream/Output/Audio`)
        /// that should play on the default speakers.
        public var autoconnect: Bool
        /// With ``autoconnect``: the `node.name` (or object serial) of the sink to play on
        /// (`target.object`); nil for the default speakers.
        public var target: String?

        /// The defaults: 24 kHz, a 60 ms target, a 3 s buffer (rounded up to a power of two
        /// samples: 5.5 s), idle after 250 ms, a microphone.
        public init(
            sampleRate: Int = 24_000,
            targetDepth: Duration = .milliseconds(60),
            capacity: Duration = .seconds(3),
            idleAfter: Duration = .milliseconds(250),
            mediaClass: String = "Audio/Source",
            nodeLatency: String = "1024/48000",
            autoconnect: Bool = false,
            target: String? = nil
        ) {
            self.autoconnect = autoconnect
            self.target = target
            self.sampleRate = sampleRate
            self.targetDepth = targetDepth
            self.capacity = capacity
            self.idleAfter = idleAfter
            self.mediaClass = mediaClass
            self.nodeLatency = nodeLatency
        }
    }

    /// The node name, `gemini-live-<id>-voice`.
    public let name: String

    private let pipeWire: PipeWireLoop
    private let configuration: Configuration
    private let jitter: JitterBuffer
    private let logger: Logger

    // Shared with the realtime thread.
    private let largestCallbackFrames = Atomic<Int>(0)
    /// The largest sample magnitude played since ``takePeak()`` last ran.
    private let peakMagnitude = Atomic<Int>(0)

    /// The stream the realtime callback uses (a `pw_stream *` bit pattern, 0 when none).
    private let realtimeStream = Atomic<UInt>(0)

    // Guarded by the loop lock.
    private var node: StreamNode?

    init(pipeWire: PipeWireLoop, name: String, description: String, configuration: Configuration,
         logger: Logger) throws(AudioNodesError) {
        self.pipeWire = pipeWire
        self.name = name
        self.configuration = configuration
        self.logger = logger
        jitter = JitterBuffer(
            targetSamples: Int(configuration.targetDepth.seconds * Double(configuration.sampleRate)),
            capacitySamples: Int(configuration.capacity.seconds * Double(configuration.sampleRate)),
            idleNanos: Int(configuration.idleAfter.nanoseconds))
        let properties = NodeProperties.microphone(name: name, description: description, role: "Assistant",
                                                   mediaClass: configuration.mediaClass,
                                                   latency: configuration.nodeLatency,
                                                   target: configuration.autoconnect ? configuration.target : nil)
        let owner = Unmanaged.passUnretained(self).toOpaque()
        try pipeWire.withLock { () throws(AudioNodesError) in
            node = try StreamNode(
                core: try pipeWire.coreLocked(), properties: properties, direction: SPA_DIRECTION_OUTPUT,
                rate: UInt32(configuration.sampleRate), autoconnect: configuration.autoconnect,
                process: { data in
                    guard let data else { return }
                    Unmanaged<VirtualMicrophone>.fromOpaque(data).takeUnretainedValue().process()
                },
                stateChanged: { data, _, state, error in
                    guard let data else { return }
                    Unmanaged<VirtualMicrophone>.fromOpaque(data).takeUnretainedValue().stateChanged(state, error)
                },
                owner: owner)
            realtimeStream.store(node.flatMap { $0.stream }.map { UInt(bitPattern: $0) } ?? 0, ordering: .releasing)
        }
    }

    deinit {
        close()
    }

    /// Frames of pushed audio played into the graph so far (silence not counted).
    public var framesPlayed: Int { jitter.played }
    /// How often the buffer ran dry in the middle of a turn.
    public var underruns: Int { jitter.underruns }
    /// Frames dropped without playing: flushed, overflowed, or stale while nobody recorded.
    public var framesDropped: Int { jitter.dropped }
    /// Frames dropped because audio was pushed into a full buffer (part of ``framesDropped``).
    public var framesOverflowed: Int { jitter.overflowed }
    /// The most samples the buffer holds.
    public var capacitySamples: Int { jitter.capacity }
    /// Samples the buffer can take now without dropping any.
    public var freeSamples: Int { jitter.free }
    /// Audio queued now, in milliseconds.
    public var bufferedMilliseconds: Int { jitter.count * 1000 / configuration.sampleRate }
    /// The largest sample magnitude (0…32768) played since the previous call, which resets it:
    /// the level meter's peak.
    public func takePeak() -> Int {
        peakMagnitude.exchange(0, ordering: .relaxed)
    }

    /// The largest buffer one process callback asked for, in frames (a measure of the quantum).
    public var largestCallback: Int { largestCallbackFrames.load(ordering: .relaxed) }

    /// The PipeWire node id, once the node exists in the graph.
    public var nodeID: UInt32? { pipeWire.withLock { node?.nodeIDLocked } }

    /// Queues model audio: S16LE mono bytes at ``Configuration/sampleRate`` (a trailing odd byte
    /// is ignored). Starts a turn if none is running.
    public func push(bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        jitter.push(bytes: base, sampleCount: bytes.count / 2, now: monotonicNanoseconds())
    }

    /// Queues model audio from an array of S16LE bytes.
    public func push(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { push(bytes: $0) }
    }

    /// Marks the end of the model's turn: the rest plays out without waiting for the target
    /// depth, and running dry is no underrun.
    public func finishTurn() {
        jitter.finishTurn()
    }

    /// Drops all queued audio (on Interrupt or the model's `interrupted`): the microphone is
    /// silent from the next quantum on. Audio pushed afterwards plays normally.
    public func flush() {
        jitter.flush()
    }

    /// Removes the node. Idempotent.
    public func close() {
        pipeWire.withLock {
            realtimeStream.store(0, ordering: .releasing)
            node?.destroyLocked()
            node = nil
        }
    }

    // MARK: Realtime thread: copy, count. Nothing else.

    private func process() {
        guard let stream = OpaquePointer(bitPattern: realtimeStream.load(ordering: .acquiring)),
              let mapped = MappedBuffer(dequeuingFrom: stream)
        else { return }
        defer { mapped.queue() }
        let (buffer, data, samples, chunk) = (mapped.buffer, mapped.data, mapped.samples, mapped.chunk)
        let now = monotonicNanoseconds()
        var frames = Int(data.pointee.maxsize) / 2
        if buffer.pointee.requested > 0 { frames = min(frames, Int(buffer.pointee.requested)) }
        if frames > largestCallbackFrames.load(ordering: .relaxed) {
            largestCallbackFrames.store(frames, ordering: .relaxed)
        }
        let delivered = jitter.fill(samples, frames: frames, now: now)
        if delivered > 0 {
            let peak = samplePeak(samples.assumingMemoryBound(to: Int16.self), count: delivered)
            if peak > peakMagnitude.load(ordering: .relaxed) { peakMagnitude.store(peak, ordering: .relaxed) }
        }
        chunk.pointee.offset = 0
        chunk.pointee.stride = 2
        chunk.pointee.size = UInt32(2 * frames)
    }

    // MARK: Loop thread

    private func stateChanged(_ state: pw_stream_state, _ error: UnsafePointer<CChar>?) {
        let text = String(cString: pw_stream_state_as_string(state))
        if let error {
            logger.warning("voice node error", metadata: ["node": "\(name)", "state": "\(text)",
                                                         "error": "\(String(cString: error))"])
        } else {
            logger.debug("voice node state", metadata: ["node": "\(name)", "state": "\(text)"])
        }
    }
}
