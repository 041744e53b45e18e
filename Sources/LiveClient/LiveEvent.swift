import Foundation
import LiveProtocol
import NIOCore
import WSCore

/// Something that arrived on a Live connection.
public enum LiveEvent: Sendable, Hashable {
    /// A decoded server message (never an empty `{}` frame: those are skipped). A frame holding
    /// only members this library does not model arrives too, naming them in
    /// ``ServerMessage/unrecognizedFields``.
    case message(ServerMessage)
    /// A frame that is not a valid server message. The connection goes on; the frame is dropped.
    case malformedFrame(MalformedFrame)
    /// The connection's ``LiveVoiceSink`` took model audio (`samples` of them) and asked to hear
    /// of it; only with a sink (``LiveConnection/setVoiceSink(_:)``).
    case voiceQueued(samples: Int)
}

/// A server frame that could not be decoded: why, its size, and its first bytes for diagnosis.
public struct MalformedFrame: Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public var size: Int
    /// Up to 120 characters of the frame.
    public var excerpt: String

    public var description: String { "malformed frame (\(size) bytes): \(reason); begins \(excerpt.debugDescription)" }
}

/// The server events of one connection, in arrival order. Iterate it continuously: WebSocket pings
/// are answered only while it is being read. It can be iterated once.
public struct LiveEventSequence: AsyncSequence, Sendable {
    public typealias Element = LiveEvent

    let reader: FrameReader

    public func makeAsyncIterator() -> Iterator {
        Iterator(reader: reader)
    }

    /// Reads and decodes the next frame.
    public struct Iterator: AsyncIteratorProtocol {
        let reader: FrameReader
        /// When the frame of the event ``next()`` returned last was read from the socket, on the
        /// event loop, before it was decoded: where the client's share of a message's latency
        /// starts.
        public private(set) var receivedAt = ContinuousClock.now
        /// The uplink position (``LiveConnection/writeAudio(_:through:)``) written when that frame
        /// was read: the audio a resumption handle in it can confirm.
        public private(set) var audioMark = 0
        /// The bytes of the frame of the event ``next()`` returned last, exactly as the service
        /// sent them (a local endpoint relays them unchanged); copied only when asked for, empty
        /// for ``LiveEvent/voiceQueued(samples:)``.
        public var frame: Data { lastMessage.map(FrameReader.bytes(of:)) ?? Data() }
        private var lastMessage: WebSocketMessage?

        init(reader: FrameReader) {
            self.reader = reader
        }

        /// The next event; nil when the connection has ended.
        /// - Throws: ``LiveClientError/connectionLost(_:)`` when the transport fails.
        public mutating func next() async throws -> LiveEvent? {
            do {
                while let inbound = try await reader.nextMessage() {
                    switch inbound {
                    case .message(let message, let read, let mark):
                        receivedAt = read
                        audioMark = mark
                        if let event = FrameReader.decode(message) {
                            lastMessage = message
                            return event
                        }
                    case .voiceQueued(let samples, let read):
                        receivedAt = read
                        lastMessage = nil
                        return .voiceQueued(samples: samples)
                    }
                }
                return nil
            } catch let error as LiveClientError {
                throw error
            } catch {
                throw LiveClientError.connectionLost(LiveClient.describeConnectError(error, url: "the service"))
            }
        }
    }
}

/// Owns the inbound iterator of one WebSocket; used by one reader at a time.
final class FrameReader: @unchecked Sendable {
    private var iterator: NIOAsyncChannelInboundStream<LiveInbound>.AsyncIterator
    private let maxSize: Int

    init(inbound: NIOAsyncChannelInboundStream<LiveInbound>, maxSize: Int) {
        iterator = inbound.makeAsyncIterator()
        self.maxSize = maxSize
    }

    /// The next message.
    ///
    /// The WebSocket layer takes frames up to twice ``LiveClientConfiguration/maxMessageSize``
    /// (above that it closes with 1009 and the peer sees only a drop), so that a message over the
    /// limit is refused here with its size and the limit, for the session to explain.
    /// - Throws: ``LiveClientError/connectionLost(_:)`` for a message over the limit.
    func nextMessage() async throws -> LiveInbound? {
        guard let inbound = try await iterator.next() else { return nil }
        guard case .message(let message, _, _) = inbound else { return inbound }
        let size: Int
        switch message {
        case .binary(let buffer): size = buffer.readableBytes
        case .text(let text): size = text.utf8.count
        }
        guard size <= maxSize else {
            throw LiveClientError.connectionLost(
                "the service sent a message of \(Self.mebibytes(size)), over the client's limit of \(Self.mebibytes(maxSize)) (maxMessageSize); the connection was closed and the session resumes on a new one")
        }
        return inbound
    }

    private static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / Double(1 << 20))
    }

    /// The payload of a text or binary frame.
    static func bytes(of message: WebSocketMessage) -> Data {
        switch message {
        case .binary(let buffer): Data(buffer.readableBytesView)
        case .text(let text): Data(text.utf8)
        }
    }

    /// Decodes a text or binary frame; nil for frames to skip (`{}`). A model-audio frame is
    /// recognised by ``AudioFrameScanner`` without the Codable path; every other frame is decoded
    /// with the one shared decoder.
    static func decode(_ message: WebSocketMessage) -> LiveEvent? {
        switch message {
        case .binary(let buffer):
            if let event = buffer.withUnsafeReadableBytes(scanAudio) { return event }
            return decode(Data(buffer.readableBytesView))
        case .text(var text):
            if let event = text.withUTF8({ scanAudio(UnsafeRawBufferPointer($0)) }) { return event }
            return decode(Data(text.utf8))
        }
    }

    private static func scanAudio(_ bytes: UnsafeRawBufferPointer) -> LiveEvent? {
        AudioFrameScanner.scan(bytes).map { .message($0.message(in: bytes)) }
    }

    /// Decodes a frame's payload; nil for frames to skip (`{}`).
    static func decode(_ bytes: Data) -> LiveEvent? {
        do {
            let decoded = try ServerMessage.decode(bytes)
            return decoded.isEmpty ? nil : .message(decoded)
        } catch {
            let excerpt = String(decoding: bytes.prefix(120), as: UTF8.self)
            return .malformedFrame(
                MalformedFrame(reason: LiveJSON.describe(error), size: bytes.count, excerpt: excerpt))
        }
    }
}
