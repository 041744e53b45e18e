import CPipeWire

/// A buffer dequeued from a stream in a process callback, with its first data plane mapped.
///
/// Realtime-safe: it only follows pointers. Queue it back with ``queue()`` before the callback
/// returns.
struct MappedBuffer {
    let stream: OpaquePointer
    let buffer: UnsafeMutablePointer<pw_buffer>
    /// The plane's memory.
    let samples: UnsafeMutableRawPointer
    /// The plane's description (`maxsize`).
    let data: UnsafeMutablePointer<spa_data>
    /// Where the valid bytes are.
    let chunk: UnsafeMutablePointer<spa_chunk>

    /// Dequeues a buffer from `stream`; nil when none is ready or it has no mapped plane (a buffer
    /// that was dequeued but is unusable is queued back at once).
    init?(dequeuingFrom stream: OpaquePointer) {
        guard let buffer = pw_stream_dequeue_buffer(stream) else { return nil }
        guard let spaBuffer = buffer.pointee.buffer, spaBuffer.pointee.n_datas > 0,
            let data = spaBuffer.pointee.datas, let samples = data.pointee.data,
            let chunk = data.pointee.chunk
        else {
            pw_stream_queue_buffer(stream, buffer)
            return nil
        }
        self.stream = stream
        self.buffer = buffer
        self.samples = samples
        self.data = data
        self.chunk = chunk
    }

    /// Hands the buffer back to the stream.
    func queue() {
        pw_stream_queue_buffer(stream, buffer)
    }
}
