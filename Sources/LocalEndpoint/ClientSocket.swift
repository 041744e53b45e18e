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

    /// Returns once the connection was closed, or after `timeout`.
    func waitUntilClosed(timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while !isClosed, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Closes the connection with `code` and `reason`; only the first close counts.
    func close(code: UInt16, reason: String) async {
        let first = state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        guard first else { return }
        try? await outbound.close(WebSocketErrorCode(codeNumber: Int(code)), reason: reason.isEmpty ? nil : reason)
    }
}
