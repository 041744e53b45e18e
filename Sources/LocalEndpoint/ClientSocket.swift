import Foundation
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket
import Synchronization

/// The endpoint client's side of the relay: writes the service's frames to the client's WebSocket
/// (binary frames, as the service sends them) and closes it once; counts what was withheld.
final class ClientSocket: Sendable {
    private let outbound: WebSocketOutboundWriter
    private let state = Mutex(State())

    struct State {
        var closed = false
        /// Until the session is ready the connection's own task writes the close (the WebSocket
        /// layer completes a close only while someone reads the connection): a close asked for
        /// meanwhile is kept here.
        var attached = false
        var deferredClose: (code: UInt16, reason: String)?
        var sent = 0
        var withheld = 0
    }

    init(outbound: WebSocketOutboundWriter) {
        self.outbound = outbound
    }

    /// Frames sent to the client, and frames the gateway kept from it (its own handover traffic).
    var counts: (sent: Int, withheld: Int) { state.withLock { ($0.sent, $0.withheld) } }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Sends `frame` unless the connection was closed.
    func send(_ frame: Data) async {
        guard !isClosed else { return }
        do {
            try await outbound.write(.binary(ByteBuffer(bytes: frame)))
            state.withLock { $0.sent += 1 }
        } catch {
            state.withLock { $0.closed = true }
        }
    }

    /// Counts a frame kept from the client.
    func withhold() {
        state.withLock { $0.withheld += 1 }
    }

    /// The session is ready: from now on ``close(code:reason:)`` writes at once, from any task.
    func attach() {
        state.withLock { $0.attached = true }
    }

    /// The session's deferred close, once it asks for one (at most `timeout` from now).
    func waitForDeferredClose(timeout: Duration) async -> (code: UInt16, reason: String)? {
        let deadline = ContinuousClock.now + timeout
        while deferredClose == nil, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return deferredClose
    }

    /// The close the session asked for before it was ready, if any.
    var deferredClose: (code: UInt16, reason: String)? { state.withLock { $0.deferredClose } }

    /// Closes the connection with `code` and `reason`; only the first close counts.
    func close(code: UInt16, reason: String) async {
        let first = state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        guard first else { return }
        try? await outbound.close(WebSocketErrorCode(codeNumber: Int(code)), reason: reason.isEmpty ? nil : reason)
    }

    /// The session's close: written now once the session is ready, else kept for the
    /// connection's task (``deferredClose``).
    func sessionClose(code: UInt16, reason: String) async {
        let deferred = state.withLock { state -> Bool in
            guard !state.attached else { return false }
            if state.deferredClose == nil { state.deferredClose = (code, reason) }
            return true
        }
        if !deferred { await close(code: code, reason: reason) }
    }
}
