import AudioNodes
import LiveClient
import Logging
import NIOCore
import Synchronization

/// The session's captured audio, from the input node's ring to the socket on one event loop:
/// PipeWire's loop thread says a chunk waits (``chunksReady(partial:)``, one `execute`), and the
/// loop reads it from the ring, keeps it in the ``AudioHistory`` (for resumption) and writes it
/// with ``LiveConnection/writeAudio(_:through:)``, with no task or actor in between.
///
/// The session's policy reaches it only as controls the actor sets when something changes, never
/// per chunk: the ``Route`` (send on a connection, hold for the next connection, or drop and
/// count), the input gate (while a blocking tool call is pending the audio is held here, at most
/// ``HeldInput/capacitySamples``, the rest dropped and counted, and sent in order once the gate
/// opens), `Muted` (nothing sent, counted) and the echo guard (the window's input sent as
/// silence). With the service's activity detection it follows the user's speech by the chunks'
/// level and wakes the session's activity clock when speech starts or ends (``speech``). On a
/// resume the actor has the unconfirmed audio sent again from the history, in the chunks it was
/// first sent in, interleaved with the kept messages at the positions they were sent at.
final class UplinkPump: AudioChunkConsumer, @unchecked Sendable {
    // @unchecked Sendable: the variables under "Event loop only" are read and written only on
    // `eventLoop`: every entry point either runs there (`chunksReady` and the actor's calls hop
    // with `execute`/`submit`) or touches only the atomics and the mutex.

    /// What the pump does with a chunk.
    enum Route: Sendable {
        /// Write it on this connection (after what it has not been sent yet).
        case send(LiveConnection)
        /// Keep it for the next connection (the session reconnects).
        case hold
        /// Count it as dropped (the session is not active and does not resume).
        case drop
    }

    /// The user's speech as the pump heard it (with the service's activity detection).
    struct Speech: Sendable, Equatable {
        /// Utterances begun so far.
        var utterances = 0
        /// When the newest one began and when its last loud chunk was captured (``AudioClock``).
        var startedAt = 0
        var lastLoudAt = 0
        /// Whether it goes on (no pause of ``SessionTalkState/speechHangover`` yet).
        var speaking = false
    }

    /// The event loop every connection of the session runs on.
    let eventLoop: any EventLoop
    private let resumes: Bool
    private let detectsSpeech: Bool
    private let echoGuard: EchoGuardCell
    private let logger: Logger

    // Event loop only.
    private var currentRoute: Route = .drop
    private var source: VirtualSink?
    private var history: AudioHistory?
    /// The position after the newest sample (also without a history).
    private var end = 0
    /// The position after the last sample written on the route's connection.
    private var sentThrough = 0
    /// One chunk, as the source hands it over (the largest chunk: 1 s at 16 kHz).
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 32_000, alignment: 2)
    /// The input gate is closed: chunks wait in `heldPCM` (their sizes and capture times in
    /// `heldChunks`, the first `heldReleased` of them already sent).
    private var gated = false
    private var heldPCM: [UInt8] = []
    private var heldChunks: [(samples: Int, capturedAt: Int)] = []
    private var heldReleased = 0
    private var heldReleasedBytes = 0
    private var heldReleasedSamples = 0
    /// Samples dropped by the gate since it closed.
    private var gateDroppedNow = 0
    private var speechNow = Speech()

    private let captured = Atomic<Int>(0)
    private let sent = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    private let lost = Atomic<Int>(0)
    private let position = Atomic<Int>(0)
    private let latency = Mutex(LatencyWindow())
    private let mutedFlag = Atomic<Bool>(false)
    private let muted = Atomic<Int>(0)
    private let admitted = Atomic<Int>(0)
    private let guarded = Atomic<Int>(0)
    private let held = Atomic<Int>(0)
    private let heldTotal = Atomic<Int>(0)
    private let speechShared = Mutex(Speech())
    private let wake = Mutex<AsyncStream<Void>.Continuation?>(nil)

    /// A pump on `eventLoop`; `resumes`: keep a history for resumption; `detectsSpeech`: follow
    /// the user's speech by level (the service's activity detection is on).
    init(eventLoop: any EventLoop, resumes: Bool, detectsSpeech: Bool, echoGuard: EchoGuardCell, logger: Logger) {
        self.eventLoop = eventLoop
        self.resumes = resumes
        self.detectsSpeech = detectsSpeech
        self.echoGuard = echoGuard
        self.logger = logger
    }

    deinit {
        scratch.deallocate()
    }

    /// Samples the input node delivered.
    var samplesCaptured: Int { captured.load(ordering: .relaxed) }
    /// Samples written to the service, or held to be written after a resume.
    var samplesSent: Int { sent.load(ordering: .relaxed) }
    /// Samples not sent: captured while the session was not active (or a write failed without
    /// resumption), or unconfirmed audio a resume could no longer resend.
    var samplesDropped: Int { dropped.load(ordering: .relaxed) + lost.load(ordering: .relaxed) }
    /// The position after the newest chunk: the mark a kept message is sent at.
    var currentPosition: Int { position.load(ordering: .acquiring) }
    /// Chunk complete on PipeWire's thread → frame written to the socket.
    var uplink: LatencyWindow { latency.withLock { $0 } }
    /// Samples captured while muted, so not sent.
    var samplesMuted: Int { muted.load(ordering: .relaxed) }
    /// Samples not muted: sent, held or dropped by the route (grows while audio goes out).
    var samplesAdmitted: Int { admitted.load(ordering: .relaxed) }
    /// Samples sent as silence by the echo guard.
    var samplesGuarded: Int { guarded.load(ordering: .relaxed) }
    /// Samples the closed input gate holds now.
    var samplesHeld: Int { held.load(ordering: .relaxed) }
    /// Samples the gate has taken in so far: the mark a control message held meanwhile is sent
    /// after (``releaseHeld(through:)``).
    var heldMark: Int { heldTotal.load(ordering: .acquiring) }
    /// The user's speech as heard so far.
    var speech: Speech { speechShared.withLock { $0 } }

    // MARK: The actor's controls

    /// Takes chunks from `source` from now on (nil: none).
    func capture(from source: VirtualSink?) {
        eventLoop.execute {
            self.source?.setConsumer(nil)
            self.source = source.flatMap { $0.chunkByteCount <= self.scratch.count ? $0 : nil }
            self.source?.setConsumer(self)
        }
    }

    /// Sets what happens to the next chunks; a send route first writes what it has not written.
    func route(_ route: Route) {
        eventLoop.execute {
            self.currentRoute = route
            self.catchUp()
        }
    }

    /// Mutes (nothing sent, counted in ``samplesMuted``) or unmutes; muting ends the speech heard.
    func mute(_ muted: Bool) {
        mutedFlag.store(muted, ordering: .releasing)
        guard muted else { return }
        eventLoop.execute {
            guard self.speechNow.speaking else { return }
            self.speechNow.speaking = false
            self.publishSpeech()
        }
    }

    /// Wakes `clock` when the speech heard starts or ends (nil: none).
    func wakeOnSpeech(_ clock: AsyncStream<Void>.Continuation?) {
        wake.withLock { $0 = clock }
    }

    /// Closes the input gate: from now on chunks are held (a blocking tool call is pending).
    func closeGate() {
        eventLoop.execute {
            self.gated = true
        }
    }

    /// Sends the held chunks the gate took in before `mark` (``heldMark``), in order, on the
    /// route; the gate stays closed.
    func releaseHeld(through mark: Int) async {
        try? await eventLoop.submit { self.release(through: mark) }.get()
    }

    /// Opens the gate: the held chunks go on the route in order, then the live ones. Returns the
    /// samples the gate dropped (beyond its bound) while it was closed.
    func openGate() async -> Int {
        (try? await eventLoop.submit { () -> Int in
            self.release(through: .max)
            self.gated = false
            defer { self.gateDroppedNow = 0 }
            return self.gateDroppedNow
        }.get()) ?? 0
    }

    /// A handle confirmed the audio before `mark`.
    func confirm(through mark: Int) {
        eventLoop.execute { self.history?.confirm(through: mark) }
    }

    /// A resume begins: hold, and count everything from `position` on as not yet written (the
    /// next send route writes it, after what ``resend(on:from:through:)`` sent).
    func rewind(to position: Int) {
        eventLoop.execute {
            self.currentRoute = .hold
            self.sentThrough = position
        }
    }

    /// The unconfirmed audio from `from` to `through` again on `connection`, in its chunks;
    /// returns how many chunks went. The route does not change.
    func resend(on connection: LiveConnection, from: Int, through: Int) async -> Int {
        (try? await eventLoop.submit { self.write(from: from, through: through, on: connection) }.get()) ?? 0
    }

    // MARK: The event loop

    func chunksReady(partial: Bool) {
        eventLoop.execute { self.drain(partial: partial) }
    }

    private func drain(partial: Bool) {
        guard let source, let base = scratch.baseAddress else { return }
        while true {
            let (samples, capturedAt) = source.takeChunk(into: base, partial: partial)
            guard samples > 0 else { return }
            captured.add(samples, ordering: .relaxed)
            if case .drop = currentRoute, !gated {
                forward(UnsafeRawBufferPointer(rebasing: scratch[..<(2 * samples)]), capturedAt: capturedAt)
                continue
            }
            guard !mutedFlag.load(ordering: .acquiring) else {
                muted.add(samples, ordering: .relaxed)
                continue
            }
            admitted.add(samples, ordering: .relaxed)
            let pcm = UnsafeRawBufferPointer(rebasing: scratch[..<(2 * samples)])
            if detectsSpeech { follow(pcm, capturedAt: capturedAt > 0 ? capturedAt : AudioClock.nanoseconds()) }
            if echoGuard.silences(capturedAt: capturedAt, duration: .milliseconds(samples * 1000 / 16_000)) {
                base.initializeMemory(as: UInt8.self, repeating: 0, count: 2 * samples)
                guarded.add(samples, ordering: .relaxed)
            }
            if gated {
                hold(pcm, capturedAt: capturedAt)
            } else {
                forward(pcm, capturedAt: capturedAt)
            }
        }
    }

    /// Follows the user's speech by the chunk's level (as ``LiveSession/admitInput(_:)`` does for
    /// chunks that come as events); wakes the activity clock when it starts or ends.
    private func follow(_ pcm: UnsafeRawBufferPointer, capturedAt time: Int) {
        if AudioChunkLevel.rms(pcm) >= SessionTalkState.speechRMS {
            if !speechNow.speaking {
                speechNow.utterances += 1
                speechNow.startedAt = time
                speechNow.speaking = true
                speechNow.lastLoudAt = time
                publishSpeech()
                return
            }
            speechNow.lastLoudAt = time
            speechShared.withLock { $0.lastLoudAt = time }
        } else if speechNow.speaking, time - speechNow.lastLoudAt >= SessionTalkState.speechHangover {
            speechNow.speaking = false
            publishSpeech()
        }
    }

    private func publishSpeech() {
        let speech = speechNow
        speechShared.withLock { $0 = speech }
        wake.withLock { $0 }?.yield()
    }

    /// The closed gate takes the chunk, or drops it (counted) past its bound.
    private func hold(_ pcm: UnsafeRawBufferPointer, capturedAt: Int) {
        let samples = pcm.count / 2
        guard held.load(ordering: .relaxed) + samples <= HeldInput.capacitySamples else {
            dropped.add(samples, ordering: .relaxed)
            gateDroppedNow += samples
            return
        }
        heldPCM.append(contentsOf: pcm)
        heldChunks.append((samples, capturedAt))
        held.add(samples, ordering: .relaxed)
        heldTotal.add(samples, ordering: .releasing)
    }

    /// Forwards the held chunks taken in before `mark`, oldest first.
    private func release(through mark: Int) {
        while heldReleased < heldChunks.count {
            let chunk = heldChunks[heldReleased]
            guard heldReleasedSamples + chunk.samples <= mark else { break }
            heldPCM.withUnsafeBytes { bytes in
                forward(UnsafeRawBufferPointer(rebasing: bytes[heldReleasedBytes..<(heldReleasedBytes + 2 * chunk.samples)]), capturedAt: 0)
            }
            heldReleased += 1
            heldReleasedBytes += 2 * chunk.samples
            heldReleasedSamples += chunk.samples
            held.add(-chunk.samples, ordering: .relaxed)
        }
        if heldReleased == heldChunks.count {
            heldPCM.removeAll(keepingCapacity: true)
            heldChunks.removeAll(keepingCapacity: true)
            heldReleased = 0
            heldReleasedBytes = 0
        }
    }

    /// Keeps the chunk in the history (with resumption) and sends, holds or drops it by the route.
    private func forward(_ pcm: UnsafeRawBufferPointer, capturedAt: Int) {
        let samples = pcm.count / 2
        if resumes {
            if history == nil { history = AudioHistory() }
            end = history?.append(pcm) ?? end + samples
        } else {
            end += samples
        }
        position.store(end, ordering: .releasing)
        switch currentRoute {
        case .send(let connection):
            sent.add(samples, ordering: .relaxed)
            if sentThrough == end - samples {
                write(pcm, through: end, capturedAt: capturedAt, on: connection)
            } else {
                catchUp()
            }
        case .hold where resumes:
            sent.add(samples, ordering: .relaxed)
        case .hold, .drop:
            dropped.add(samples, ordering: .relaxed)
            sentThrough = end
        }
    }

    /// On a send route: writes what the connection has not had yet (held audio), then follows live.
    private func catchUp() {
        guard case .send(let connection) = currentRoute, sentThrough < end else { return }
        if history != nil {
            _ = write(from: sentThrough, through: end, on: connection)
        }
        sentThrough = end
    }

    private func write(from: Int, through: Int, on connection: LiveConnection) -> Int {
        guard let history else { return 0 }
        var chunks = 0
        let missing = history.forEachChunk(from: from, through: through) { pcm, end in
            write(pcm, through: end, capturedAt: 0, on: connection)
            chunks += 1
        }
        if missing > 0 {
            lost.add(missing, ordering: .relaxed)
            logger.warning("\(missing) unconfirmed samples were older than the \(AudioHistory.capacity / 16) ms the gateway keeps and are not resent")
        }
        return chunks
    }

    private func write(_ pcm: UnsafeRawBufferPointer, through end: Int, capturedAt: Int, on connection: LiveConnection) {
        sentThrough = max(sentThrough, end)
        let written = connection.writeAudio(pcm, through: end)
        let samples = pcm.count / 2
        let resumes = resumes
        written.whenComplete { result in
            switch result {
            case .success:
                if capturedAt > 0 {
                    let elapsed = AudioClock.nanoseconds() - capturedAt
                    self.latency.withLock { $0.record(nanoseconds: elapsed) }
                }
            case .failure:
                // Without resumption a chunk the connection could not take is lost; with it, the
                // history sends it again on the next connection.
                guard !resumes else { return }
                self.sent.add(-samples, ordering: .relaxed)
                self.dropped.add(samples, ordering: .relaxed)
            }
        }
    }
}
