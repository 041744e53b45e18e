import NIOCore
import NIOWebSocket

/// The write side of one Live connection's channel: text frames from any task, audio frames on
/// the event loop, and the close handshake. Every frame is masked with `WebSocketMaskingKey.random()`.
struct LiveTransport: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<LiveFrameHandler>

    /// The channel's event loop: where ``LiveConnection/writeAudio(_:through:)`` runs.
    var eventLoop: any EventLoop { channel.eventLoop }

    /// Writes `payload` as one text frame and waits until it was written.
    func write(_ payload: ByteBuffer) async throws {
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: payload)
        try await channel.writeAndFlush(frame)
    }

    /// Sends a close frame (once) and closes the channel if the service does not answer in time.
    func close(code: UInt16, reason: String?) async {
        let handler = handler
        let channel = channel
        try? await channel.eventLoop.submit {
            guard let context = try? channel.pipeline.syncOperations.context(handlerType: LiveFrameHandler.self) else { return }
            handler.value.close(code: WebSocketErrorCode(codeNumber: Int(code)), reason: reason, context: context)
        }.get()
    }

    /// The service's close frame, if one came.
    func serviceClose() async -> (code: UInt16?, reason: String?)? {
        let handler = handler
        guard let close = try? await channel.eventLoop.submit({ handler.value.serviceClose }).get() else { return nil }
        return close
    }
}
