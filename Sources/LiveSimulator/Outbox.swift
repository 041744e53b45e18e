import Foundation
import LiveProtocol

/// The ordered queue of everything a connection sends; one writer drains it.
///
/// Enqueuing is synchronous, so the order in which the session decides things is the order they
/// go out, whichever task decided them.
struct Outbox: Sendable {
    /// One thing to send.
    enum Item: Sendable {
        /// A JSON message, pretty-printed in a binary frame.
        case message(ServerMessage)
        /// Raw bytes in a binary frame (malformed or oversized frames).
        case raw(Data)
        /// A close frame; nothing follows.
        case close(CloseReason)
        /// Close the TCP connection without a close frame.
        case drop
        /// Stop sending (and reading) while keeping the connection open.
        case stall
    }

    private let continuation: AsyncStream<Item>.Continuation

    /// An outbox and the stream its writer drains.
    static func make() -> (Outbox, AsyncStream<Item>) {
        let (stream, continuation) = AsyncStream<Item>.makeStream()
        return (Outbox(continuation: continuation), stream)
    }

    /// Queues `message`.
    func send(_ message: ServerMessage) { continuation.yield(.message(message)) }

    /// Queues any other item.
    func enqueue(_ item: Item) { continuation.yield(item) }

    /// Ends the stream: the writer stops after what is queued.
    func finish() { continuation.finish() }
}
