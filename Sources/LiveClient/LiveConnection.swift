import Foundation
import LiveProtocol
import NIOCore
import NIOWebSocket
import Synchronization

/// One open Live connection, after `setupComplete`: send client messages, read ``events``.
///
/// Sending is safe from several tasks; ``events`` has one reader. Messages that cannot be valid
/// in this session (for example `activityStart` while automatic activity detection is on) are
/// refused before they reach the wire, with the reason.
///
/// The audio fast path runs on ``eventLoop`` without a task or an actor in between:
/// ``writeAudio(_:through:)`` frames captured PCM straight into the frame it writes, and a
/// ``LiveVoiceSink`` set with ``setVoiceSink(_:)`` takes model audio as it is read.
public final class LiveConnection: Sendable {
    /// The setup this connection was opened with.
    public let setup: Setup
    /// The service's reply to the setup.
    public let setupComplete: SetupComplete
    /// The `setupComplete` frame's bytes, exactly as the service sent them.
    public let setupCompleteFrame: Data
    /// Server events in arrival order.
    public let events: LiveEventSequence

    private let transport: LiveTransport
    private let preflight: Bool
    private let state = Mutex(State())
    private let audioFrames = Atomic<Int>(0)

    private struct State {
        var sentMessages = 1
        var closing = false
        var warnings: [PreflightIssue] = []
    }

    /// Preflight warnings about messages sent on this connection (each rule once): messages that
    /// sources disagree about, sent anyway. Each says what to do if the service refuses.
    public var messageWarnings: [PreflightIssue] { state.withLock { $0.warnings } }

    init(
        setup: Setup, setupComplete: SetupComplete, setupCompleteFrame: Data, reader: FrameReader,
        transport: LiveTransport, preflight: Bool
    ) {
        self.setup = setup
        self.setupComplete = setupComplete
        self.setupCompleteFrame = setupCompleteFrame
        self.events = LiveEventSequence(reader: reader)
        self.transport = transport
        self.preflight = preflight
    }

    /// The event loop the connection's channel runs on.
    public var eventLoop: any EventLoop { transport.eventLoop }

    /// Client messages sent so far, the setup and audio frames included.
    public var sentMessageCount: Int { state.withLock { $0.sentMessages } + audioFrames.load(ordering: .relaxed) }

    /// Sends a client message as a text frame.
    public func send(_ message: ClientMessage) async throws(LiveClientError) {
        if preflight, let issue = Preflight.check(message, in: setup) {
            guard issue.severity == .warning else { throw .messageRejected(issue) }
            state.withLock { state in
                if !state.warnings.contains(where: { $0.rule == issue.rule }) { state.warnings.append(issue) }
            }
        }
        let data: Data
        do {
            data = try message.encoded()
        } catch {
            throw .messageRejected(
                PreflightIssue(
                    rule: "unencodable", field: message.key, problem: "The message cannot be encoded as JSON.",
                    fix: "Check that numbers are finite."))
        }
        try await write(data)
    }

    /// Sends a chunk of 16-bit little-endian mono PCM as `realtimeInput.audio`.
    public func sendAudio(_ pcm: Data, sampleRate: Int = 16000) async throws(LiveClientError) {
        try await write(ClientMessage.encodeAudioChunk(Blob.pcm(pcm, sampleRate: sampleRate)))
    }

    /// Sends a complete user turn of text (`clientContent`).
    public func sendText(_ text: String) async throws(LiveClientError) {
        try await send(.clientContent(.userText(text)))
    }

    /// Closes the connection with `code` and `reason`. Reading ``events`` then ends.
    public func close(code: UInt16 = 1000, reason: String? = nil) async {
        let first = state.withLock { state in
            defer { state.closing = true }
            return !state.closing
        }
        guard first else { return }
        await transport.close(code: code, reason: reason)
    }

    private func write(_ data: Data) async throws(LiveClientError) {
        if state.withLock({ $0.closing }) { throw .connectionClosed }
        do {
            try await transport.write(ByteBuffer(bytes: data))
        } catch {
            throw .connectionClosed
        }
        state.withLock { $0.sentMessages += 1 }
    }

    // MARK: The audio fast path (on the event loop)

    /// Writes 16 kHz S16LE mono `pcm` as one `realtimeInput.audio` text frame, built in a single
    /// buffer (the JSON prefix, base64 encoded straight from `pcm`, the suffix) with room in front
    /// for the WebSocket header, so that the frame leaves as one TLS record. No preflight: the
    /// gateway's own capture is valid by construction. `mark` is the caller's uplink position
    /// after this chunk; events read afterwards carry it (``LiveEventSequence/Iterator/audioMark``).
    ///
    /// Call on ``eventLoop``. The future completes when the frame was written to the socket.
    @discardableResult
    public func writeAudio(_ pcm: UnsafeRawBufferPointer, through mark: Int) -> EventLoopFuture<Void> {
        let loop = transport.eventLoop
        loop.preconditionInEventLoop()
        guard !state.withLock({ $0.closing }) else { return loop.makeFailedFuture(LiveClientError.connectionClosed) }
        let frame = AudioFrameWriter.frame(pcm, allocator: transport.channel.allocator)
        transport.handler.value.audioMark = mark
        audioFrames.add(1, ordering: .relaxed)
        return transport.channel.writeAndFlush(frame)
    }

    /// Sends model audio to `sink` on the event loop from now on (nil: every frame is an event
    /// again). Frames before the call are events.
    public func setVoiceSink(_ sink: (any LiveVoiceSink)?) {
        let handler = transport.handler
        transport.eventLoop.execute { handler.value.voiceSink = sink }
    }

    /// The voice sink has room again, or drops from now on: frames held for it go on. Call on
    /// ``eventLoop``.
    public func voiceRoomChanged() {
        transport.handler.value.voiceRoomChanged()
    }
}
