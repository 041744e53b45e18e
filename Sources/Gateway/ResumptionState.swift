import LiveProtocol

/// What the session needs to resume on a new connection without losing input: the latest
/// resumable handle, the client messages the service has not confirmed yet, and the position in
/// the uplink's audio history (``AudioHistory``) the handle confirmed. Audio is not kept here:
/// the history holds it, and a resume cuts what it must send again from there.
///
/// A handle confirms every message sent before it arrived. Messages sent after the latest handle
/// arrived (and messages held while the session reconnects) are kept in send order and sent again
/// on the next connection. A message sent while a handle was already on its way (one round trip)
/// counts as confirmed although the service may not have consumed it; the service's
/// `lastConsumedClientMessageIndex` (Vertex transparent resumption) would close that window.
struct ResumptionState: Sendable {
    /// One kept client message.
    struct Entry: Sendable {
        /// Send order within the session, from 0.
        let order: UInt64
        let message: ClientMessage
        /// How many handles had arrived when it was sent (or held).
        let generation: Int
        /// The uplink's audio position when it was sent: a resume sends the audio before it first.
        let audioMark: Int
    }

    /// The most entries kept; older ones are dropped (and logged) beyond it.
    static let capacity = 1024

    /// The latest handle the service offered as resumable; nil before the first.
    private(set) var handle: String?
    /// True while the latest update said resumable (no generation or tool call pending).
    private(set) var resumable = false
    /// Handles received so far.
    private(set) var generation = 0
    /// Unconfirmed messages, in send order.
    private(set) var entries: [Entry] = []
    /// Entries dropped because more than ``capacity`` were unconfirmed.
    private(set) var overflowed = 0
    /// The audio position the latest confirming handle covers.
    private(set) var audioConfirmed = 0
    private var nextOrder: UInt64 = 0

    /// Takes a `sessionResumptionUpdate`; true when it carried a new resumable handle. A missing
    /// `resumable` means false.
    ///
    /// `confirms` is false for the handle a new connection sends right after its setup, before
    /// anything else: the service issued it before it read the messages resent on that connection.
    /// `audioMark` is the audio position written when the update was read.
    mutating func update(_ update: SessionResumptionUpdate, confirms: Bool = true, audioMark: Int = 0) -> Bool {
        guard update.resumable == true, let newHandle = update.newHandle, !newHandle.isEmpty else {
            resumable = false
            return false
        }
        handle = newHandle
        resumable = true
        generation += 1
        if confirms {
            entries.removeAll { $0.generation < generation }
            audioConfirmed = max(audioConfirmed, audioMark)
        } else {
            entries = entries.map { Entry(order: $0.order, message: $0.message, generation: generation, audioMark: $0.audioMark) }
        }
        return true
    }

    /// Keeps `message`, sent at audio position `audioMark`, until a handle confirms it; returns
    /// its send order.
    @discardableResult
    mutating func keep(_ message: ClientMessage, audioMark: Int = 0) -> UInt64 {
        let order = nextOrder
        nextOrder += 1
        entries.append(Entry(order: order, message: message, generation: generation, audioMark: audioMark))
        if entries.count > Self.capacity {
            entries.removeFirst(entries.count - Self.capacity)
            overflowed += 1
        }
        return order
    }

    /// Forgets a message that was never delivered and will not be (refused before sending).
    mutating func forget(_ order: UInt64) {
        entries.removeAll { $0.order == order }
    }

    /// A fresh session has begun: the earlier handle is worthless.
    mutating func dropHandle() {
        handle = nil
        resumable = false
    }
}
