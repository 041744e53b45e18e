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
/// The session's policy reaches it only as the ``Route`` the actor sets when its state changes:
/// send on a connection, hold (keep for the next connection), or drop (count as dropped). On a
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

    /// The event loop every connection of the session runs on.
    let eventLoop: any EventLoop
    private let resumes: Bool
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

    private let captured = Atomic<Int>(0)
    private let sent = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    private let lost = Atomic<Int>(0)
    private let position = Atomic<Int>(0)
    private let latency = Mutex(LatencyWindow())

    init(eventLoop: any EventLoop, resumes: Bool, logger: Logger) {
        self.eventLoop = eventLoop
        self.resumes = resumes
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
            let pcm = UnsafeRawBufferPointer(rebasing: scratch[..<(2 * samples)])
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
