import Foundation
import HummingbirdWebSocket
import LiveProtocol
import NIOCore
import NIOWebSocket

/// Sends a connection's outbox in order: messages as pretty-printed JSON (in the service's layout,
/// see ``ServiceJSONStyle``) in binary frames, raw
/// frames, the close frame, an abrupt TCP close, or nothing more (a stall).
struct FrameWriter: Sendable {
    let outbound: WebSocketOutboundWriter
    let channel: any Channel
    let recorder: SimulatorRecorder
    let connection: Int
    let opened: ContinuousClock.Instant

    /// Writes every item until the outbox ends or the connection closes.
    func drain(_ items: AsyncStream<Outbox.Item>) async {
        for await item in items {
            switch item {
            case .message(let message):
                guard let data = try? message.encodedLikeService(), await write(ServiceJSONStyle.restyle(data)) else {
                    return
                }
            case .raw(let data):
                guard await write(data) else { return }
            case .close(let reason):
                recorder.update(connection: connection) { $0.closeSent = reason }
                try? await outbound.close(
                    WebSocketErrorCode(codeNumber: Int(reason.code)), reason: reason.text.isEmpty ? nil : reason.text)
                do { try await Task.sleep(for: ConnectionHandler.closeGrace) } catch { return }
                channel.close(promise: nil)
                return
            case .drop:
                recorder.update(connection: connection) { $0.dropped = true }
                channel.close(promise: nil)
                return
            case .stall:
                await ConnectionHandler.park(channel)
                return
            }
        }
    }

    /// Sends `data` in one binary frame; false when the connection is gone.
    private func write(_ data: Data) async -> Bool {
        recorder.record(
            RecordedFrame(direction: .toClient, kind: .binary, bytes: data, offset: .now - opened), connection: connection)
        do {
            try await outbound.write(.binary(ByteBuffer(bytes: data)))
            return true
        } catch {
            return false
        }
    }
}
