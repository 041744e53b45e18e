import Synchronization

/// A subscription to signals from other connections, created by ``DBusConnection/subscribe(to:)``.
///
/// Iterate ``signals`` (one consumer): signals arrive in bus order, unbounded-buffered, so a slow consumer loses
/// nothing. The stream ends when the subscription is cancelled (or dropped) or the connection closes; cancelling
/// removes the match rule from the bus.
/// ```swift
/// let subscription = try await bus.subscribe(to: DBusMatchRule(sender: gatewayName, path: sessionPath))
/// for await signal in subscription.signals where signal.member == "Closed" { break }
/// ```
public final class SignalSubscription: Sendable {
    /// The rule this subscription added.
    public let rule: DBusMatchRule
    /// The matching signals, in the order the bus delivered them.
    public let signals: AsyncStream<DBusSignal>

    let id: UInt64
    let senderOwner: String?
    let continuation: AsyncStream<DBusSignal>.Continuation
    private let onCancel: Mutex<(@Sendable () -> Void)?>

    init(rule: DBusMatchRule, id: UInt64, senderOwner: String?) {
        self.rule = rule
        self.id = id
        self.senderOwner = senderOwner
        (signals, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        onCancel = Mutex(nil)
    }

    /// Connects cancellation to the connection that delivers the signals.
    func setCancelHandler(_ handler: @escaping @Sendable () -> Void) {
        onCancel.withLock { $0 = handler }
        continuation.onTermination = { [weak self] _ in self?.cancel() }
    }

    /// Stops the subscription: removes the bus match and ends ``signals``. Idempotent.
    public func cancel() {
        let handler = onCancel.withLock { handler in
            defer { handler = nil }
            return handler
        }
        continuation.finish()
        handler?()
    }

    deinit {
        cancel()
    }
}
