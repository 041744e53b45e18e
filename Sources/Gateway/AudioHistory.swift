import NIOCore

/// The session's sent audio as a ring of PCM with positions, for resumption: a handle confirms
/// a position, and what a new connection must get again is cut from the ring, in the chunks it
/// was first sent in (the service sees the same frames again, not a re-chunked stream).
///
/// Positions count samples since the session began and never wrap. The ring keeps the newest
/// ``capacity`` samples; unconfirmed audio older than that is lost on a resume, and counted.
struct AudioHistory {
    /// The samples kept (16.4 s at 16 kHz, 512 KiB).
    static let capacity = 1 << 18

    private var storage: [Int16]
    /// Where each chunk still kept ends, oldest first.
    private var chunkEnds = CircularBuffer<Int>(initialCapacity: 256)
    /// The position after the newest sample.
    private(set) var end = 0
    /// Everything before it is confirmed; it is no longer needed.
    private(set) var confirmed = 0

    init() {
        storage = [Int16](repeating: 0, count: Self.capacity)
    }

    /// The oldest position still kept.
    var start: Int { max(confirmed, end - Self.capacity) }

    /// Appends one chunk of S16 samples; returns the position after it.
    mutating func append(_ pcm: UnsafeRawBufferPointer) -> Int {
        let count = pcm.count / 2
        guard count > 0, let source = pcm.baseAddress else { return end }
        storage.withUnsafeMutableBytes { ring in
            guard let base = ring.baseAddress else { return }
            var written = 0
            while written < count {
                let at = (end + written) & (Self.capacity - 1)
                let n = min(count - written, Self.capacity - at)
                (base + 2 * at).copyMemory(from: source + 2 * written, byteCount: 2 * n)
                written += n
            }
        }
        end += count
        chunkEnds.append(end)
        while let first = chunkEnds.first, first <= start { chunkEnds.removeFirst() }
        return end
    }

    /// A handle confirmed everything before `position`.
    mutating func confirm(through position: Int) {
        confirmed = min(end, max(confirmed, position))
        while let first = chunkEnds.first, first <= start { chunkEnds.removeFirst() }
    }

    /// Calls `body` with each chunk in `from ..< through`, in order, cut where the chunks were;
    /// returns how many samples of that range the ring no longer held.
    func forEachChunk(from: Int, through: Int, _ body: (UnsafeRawBufferPointer, Int) -> Void) -> Int {
        let lost = max(0, min(through, end - Self.capacity) - max(from, confirmed))
        var cursor = max(from, start)
        var scratch = [Int16]()
        for chunkEnd in chunkEnds where chunkEnd > cursor {
            let upper = min(chunkEnd, through)
            guard upper > cursor else { break }
            scratch.removeAll(keepingCapacity: true)
            for position in cursor..<upper { scratch.append(storage[position & (Self.capacity - 1)]) }
            scratch.withUnsafeBytes { body($0, upper) }
            cursor = upper
        }
        return lost
    }
}
