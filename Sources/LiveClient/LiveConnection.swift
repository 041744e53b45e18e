import Foundation
import LiveProtocol
import NIOCore
import NIOWebSocket
import Synchronization
import WSClient

/// One open Live connection, after `setupComplete`: send client messages, read ``events``.
///
/// Sending is safe from several tasks; ``events`` has one reader. Messages that cannot be valid
/// in this session (for example `activityStart` while automatic activity detection is on) are
/// refused before they reach the wire, with the reason.
public final class LiveConnection: Sendable {
    /// The setup this connection was opened with.
    public let setup: Setup
    /// The service's reply to the setup.
    public let setupComplete: SetupComplete
    /// The `setupComplete` frame's bytes, exactly as the service sent them.
    public let setupCompleteFrame: Data
    /// Server events in arrival order.
    public let events: LiveEventSequence

    private let outbound: WebSocketOutboundWriter
    private let preflight: Bool
    private let state = Mutex(State())

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
        outbound: WebSocketOutboundWriter, preflight: Bool
    ) {
        self.setup = setup
        self.setupComplete = setupComplete
        self.setupCompleteFrame = setupCompleteFrame
        self.events = LiveEventSequence(reader: reader)
        self.outbound = outbound
        self.preflight = preflight
    }

    /// Client messages sent so far, the setup included.
    public var sentMessageCount: Int { state.withLock { $0.sentMessages } }

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
        try? await outbound.close(WebSocketErrorCode(codeNumber: Int(code)), reason: reason)
    }

    private func write(_ data: Data) async throws(LiveClientError) {
        if state.withLock({ $0.closing }) { throw .connectionClosed }
        let frame = WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: data))
        do {
            try await outbound.write(.custom(frame))
        } catch {
            throw .connectionClosed
        }
        state.withLock { $0.sentMessages += 1 }
    }
}
