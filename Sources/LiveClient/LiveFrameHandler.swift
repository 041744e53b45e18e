import Foundation
import LiveProtocol
import NIOCore
import NIOSSL
import NIOWebSocket
import WSCore

/// What the frame handler passes on to the connection's reader, in arrival order.
enum LiveInbound: Sendable {
    /// A data message; `audioMark` is the uplink position (``LiveConnection/writeAudio(_:through:)``)
    /// written when it was read.
    case message(WebSocketMessage, receivedAt: ContinuousClock.Instant, audioMark: Int)
    /// The voice sink took model audio; it asked to hear of it.
    case voiceQueued(samples: Int, receivedAt: ContinuousClock.Instant)
}

/// Takes model audio off the connection on its event loop, decoded straight from the frame.
///
/// Every method is called on the connection's event loop.
public protocol LiveVoiceSink: AnyObject, Sendable {
    /// How many samples the sink can take now; a frame of more waits (the connection stops
    /// reading) until there is room.
    func voiceRoom() -> Int
    /// The most samples the sink ever takes at once: a frame of more does not wait (it could
    /// never fit); the sink queues what it can and counts the rest as dropped.
    func voiceCapacity() -> Int
    /// Queues `pcm` (S16LE mono at 24 kHz); returns whether the session should hear of it (the
    /// first audio of a reply), as ``LiveEvent/voiceQueued(samples:)``.
    func queueVoice(_ pcm: UnsafeRawBufferPointer, receivedAt: ContinuousClock.Instant) -> Bool
}

/// The WebSocket protocol of one Live connection, on its event loop: answers pings, sends the
/// keepalive pings and fails the connection when one goes unanswered, runs the close handshake
/// and keeps the service's close code and reason, and sends model audio straight to the
/// ``LiveVoiceSink`` (reading nothing more while the sink is full).
final class LiveFrameHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = LiveInbound
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// The service's close frame, once it came: the code (nil when it had none) and reason.
    private(set) var serviceClose: (code: UInt16?, reason: String?)?
    /// True once our close frame was sent.
    private(set) var closeSent = false
    /// The uplink position the last audio write reached.
    var audioMark = 0
    /// Where model audio goes; nil: every frame goes to the reader.
    var voiceSink: (any LiveVoiceSink)?

    private let maxMessageSize: Int
    private let keepalive: Duration?
    private let closeTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    private var pingData: ByteBuffer?
    private var pingTask: RepeatedTask?
    /// Frames read while the voice sink was full, in order; nothing is read until they are through.
    private var held = CircularBuffer<WebSocketFrame>()
    private var readPending = false
    private var retry: Scheduled<Void>?
    private var scratch: [UInt8] = []

    init(maxMessageSize: Int, keepalive: Duration?, closeTimeout: Duration) {
        self.maxMessageSize = maxMessageSize
        self.keepalive = keepalive
        self.closeTimeout = TimeAmount(closeTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        guard let keepalive else { return }
        let period = TimeAmount(keepalive)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        pingTask = context.eventLoop.scheduleRepeatedTask(initialDelay: period, delay: period) { _ in
            handler.value.keepaliveDue()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        pingTask?.cancel()
        retry?.cancel()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        pingTask?.cancel()
        retry?.cancel()
        held.removeAll()
        context.fireChannelInactive()
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if !held.isEmpty {
            held.append(frame)
            return
        }
        if !deliver(frame, context: context) {
            held.append(frame)
            scheduleRetry(context: context)
        }
    }

    /// Handles one frame; false when it is model audio the sink has no room for yet.
    private func deliver(_ frame: WebSocketFrame, context: ChannelHandlerContext) -> Bool {
        switch frame.opcode {
        case .ping:
            guard !closeSent else { return true }
            guard frame.fin, frame.data.readableBytes <= 125 else {
                close(code: .protocolError, reason: nil, context: context)
                return true
            }
            write(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData), context: context)
            context.flush()
        case .pong:
            if frame.unmaskedData == pingData { pingData = nil }
        case .connectionClose:
            receivedClose(frame.unmaskedData, context: context)
        case .text, .binary:
            guard serviceClose == nil else { return true }
            return message(frame, context: context)
        default:
            break
        }
        return true
    }

    private func message(_ frame: WebSocketFrame, context: ChannelHandlerContext) -> Bool {
        let receivedAt = ContinuousClock.now
        var data = frame.unmaskedData
        // A message over the limit goes to the reader, which refuses it with its size.
        if let sink = voiceSink, data.readableBytes <= maxMessageSize {
            let outcome = data.withUnsafeReadableBytes { bytes -> Bool? in
                guard let match = AudioFrameScanner.scan(bytes) else { return nil }
                let count = match.decodedCount(in: bytes)
                guard sink.voiceRoom() >= count / 2 || count / 2 > sink.voiceCapacity() else { return false }
                if scratch.count < count { scratch = [UInt8](repeating: 0, count: max(count, 2 * scratch.count)) }
                let announce = scratch.withUnsafeMutableBytes { out in
                    let decoded = Base64Span.decode(bytes, match.data, into: out)
                    return sink.queueVoice(UnsafeRawBufferPointer(rebasing: out[..<decoded]), receivedAt: receivedAt)
                }
                if announce { context.fireChannelRead(wrapInboundOut(.voiceQueued(samples: count / 2, receivedAt: receivedAt))) }
                return true
            }
            switch outcome {
            case true?: return true
            case false?: return false
            case nil: break
            }
        }
        let message: WebSocketMessage
        if frame.opcode == .text {
            message = .text(data.readString(length: data.readableBytes) ?? "")
        } else {
            message = .binary(data)
        }
        context.fireChannelRead(wrapInboundOut(.message(message, receivedAt: receivedAt, audioMark: audioMark)))
        return true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The service may end TLS without close_notify after the close handshake.
        if let error = error as? NIOSSLError, error == .uncleanShutdown, serviceClose != nil || closeSent { return }
        context.fireErrorCaught(error)
    }

    // MARK: Backpressure

    func read(context: ChannelHandlerContext) {
        guard held.isEmpty else {
            readPending = true
            return
        }
        context.read()
    }

    /// Delivers the frames held for room in the voice sink; reads again once they are through.
    private func drainHeld() {
        guard let context else { return }
        while let frame = held.first {
            guard deliver(frame, context: context) else {
                scheduleRetry(context: context)
                return
            }
            held.removeFirst()
        }
        context.fireChannelReadComplete()
        if readPending {
            readPending = false
            context.read()
        }
    }

    private func scheduleRetry(context: ChannelHandlerContext) {
        guard retry == nil else { return }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        retry = context.eventLoop.scheduleTask(in: .milliseconds(10)) {
            handler.value.retry = nil
            handler.value.drainHeld()
        }
    }

    /// The sink made room (or started dropping): deliver what waits now.
    func voiceRoomChanged() {
        retry?.cancel()
        retry = nil
        drainHeld()
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
    }

    private func write(_ frame: WebSocketFrame, context: ChannelHandlerContext, promise: EventLoopPromise<Void>? = nil) {
        var frame = frame
        frame.maskKey = .random()
        context.write(wrapOutboundOut(frame), promise: promise)
    }

    /// Starts the close handshake (once) and closes the channel if the service does not answer in
    /// the close timeout.
    func close(code: WebSocketErrorCode, reason: String?, context: ChannelHandlerContext) {
        guard !closeSent else { return }
        closeSent = true
        var buffer = context.channel.allocator.buffer(capacity: 2 + (reason?.utf8.count ?? 0))
        buffer.write(webSocketErrorCode: code)
        if let reason { buffer.writeString(reason) }
        let promise = context.eventLoop.makePromise(of: Void.self)
        write(WebSocketFrame(fin: true, opcode: .connectionClose, data: buffer), context: context, promise: promise)
        context.flush()
        let channel = context.channel
        let timeout = closeTimeout
        promise.futureResult.whenComplete { _ in
            channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        }
    }

    /// The service's close: keep its code and reason, answer it, and let the service close TCP.
    private func receivedClose(_ data: ByteBuffer, context: ChannelHandlerContext) {
        guard serviceClose == nil else { return }
        var data = data
        let code = data.readInteger(as: UInt16.self)
        let reason = data.readableBytes > 0 ? data.readString(length: data.readableBytes) : nil
        serviceClose = (code, reason)
        if let code, code < 1000 || (code >= 1004 && code <= 1006) || (code >= 1015 && code < 3000) || code > 4999 {
            close(code: .protocolError, reason: nil, context: context)
        } else {
            close(code: .normalClosure, reason: nil, context: context)
        }
    }

    private func keepaliveDue() {
        guard let context, !closeSent else { return }
        if pingData != nil {
            close(code: .goingAway, reason: "Ping timeout", context: context)
            context.close(promise: nil)
            return
        }
        var data = context.channel.allocator.buffer(capacity: 16)
        for _ in 0..<2 { data.writeInteger(UInt64.random(in: .min ... .max)) }
        pingData = data
        write(WebSocketFrame(fin: true, opcode: .ping, data: data), context: context)
        context.flush()
    }
}
