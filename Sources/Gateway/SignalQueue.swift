/// The events of one session on their way to the bus, in order, sent by one task
/// (``drain()``), so that neither the session actor nor the network read loop behind it ever
/// waits for a D-Bus signal to be written. The queue holds what the bus has not taken yet;
/// events are small and the bus drains them at its own pace, so it is not bounded (nothing is
/// dropped).
final class SignalQueue: Sendable {
    private let stream: AsyncStream<SessionEvent>
    private let continuation: AsyncStream<SessionEvent>.Continuation
    private let send: @Sendable (SessionEvent) async -> Void

    /// A queue whose ``drain()`` hands each event to `send`.
    init(send: @escaping @Sendable (SessionEvent) async -> Void) {
        (stream, continuation) = AsyncStream.makeStream(of: SessionEvent.self, bufferingPolicy: .unbounded)
        self.send = send
    }

    /// Queues `event` behind the ones before it; returns at once.
    func enqueue(_ event: SessionEvent) {
        continuation.yield(event)
    }

    /// No events follow: ``drain()`` returns once it sent the ones queued.
    func finish() {
        continuation.finish()
    }

    /// Sends every event, in order, until ``finish()`` and the queue is empty. Run it in a task
    /// that is not cancelled before then (a cancelled iteration would drop the rest).
    func drain() async {
        for await event in stream { await send(event) }
    }
}
