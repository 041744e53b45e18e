import Foundation
import HummingbirdCore
import Logging
import NIOCore

/// Wraps the server's child channel so that the first request of a connection to a path the
/// simulator does not serve gets HTTP 404, WebSocket upgrades included.
///
/// Hummingbird answers a refused WebSocket upgrade with an empty 400; the service answers an
/// unknown path with 404. ``UnknownPathResponder`` looks at the raw request head before the HTTP
/// decoder does and answers 404 itself.
struct UnknownPathGuard<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(UnknownPathResponder())
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Buffers a connection's first request head; answers 404 (`Connection: close`) for an unserved
/// path and swallows the rest, otherwise passes the bytes on and leaves the pipeline.
///
/// After a 404 the client is left to close the connection (the server's HTTP handling then ends
/// quietly); a client that does not is closed after ``lingerTime``.
final class UnknownPathResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Heads longer than this are passed on unchecked (the HTTP decoder limits them).
    static let maximumHead = 64 * 1024
    /// How long a connection may stay open after its 404.
    static let lingerTime = TimeAmount.seconds(5)

    private var buffered: ByteBuffer?
    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        var incoming = unwrapInboundIn(data)
        var head = buffered ?? ByteBuffer()
        head.writeBuffer(&incoming)
        let view = head.readableBytesView
        guard let end = view.firstRange(of: Array("\r\n\r\n".utf8)) else {
            if head.readableBytes > Self.maximumHead {
                pass(head, context: context)
            } else {
                buffered = head
            }
            return
        }
        let requestLine = String(decoding: view[view.startIndex..<end.lowerBound], as: UTF8.self)
            .split(separator: "\r\n", maxSplits: 1).first ?? ""
        let parts = requestLine.split(separator: " ")
        if parts.count >= 2, ServedPath(target: String(parts[1])) == nil {
            respondNotFound(path: String(parts[1].prefix { $0 != "?" }), context: context)
        } else {
            pass(head, context: context)
        }
    }

    private func pass(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        buffered = nil
        context.fireChannelRead(wrapInboundOut(bytes))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func respondNotFound(path: String, context: ChannelHandlerContext) {
        buffered = nil
        answered = true
        let body = GoogleError.json(
            code: 404, message: "The requested URL \(path) was not found on this server.", status: "NOT_FOUND")
        var response = ByteBuffer()
        response.writeString(
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        )
        response.writeBytes(body)
        context.writeAndFlush(wrapOutboundOut(response), promise: nil)
        let channel = context.channel
        context.eventLoop.scheduleTask(in: Self.lingerTime) { channel.close(promise: nil) }
    }
}
