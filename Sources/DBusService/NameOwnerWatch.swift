import Synchronization

/// A change of a bus name's owner (from the bus' `NameOwnerChanged` signal).
public struct NameOwnerChange: Sendable, Hashable {
    /// The watched name.
    public var name: String
    /// The previous owner's unique name, or `nil` if it had none.
    public var oldOwner: String?
    /// The new owner's unique name, or `nil` if the name now has no owner (it vanished).
    public var newOwner: String?

    /// A change record.
    public init(name: String, oldOwner: String?, newOwner: String?) {
        self.name = name
        self.oldOwner = oldOwner
        self.newOwner = newOwner
    }

    /// Whether the name has no owner any more.
    public var vanished: Bool { newOwner == nil }
}

/// A subscription to owner changes of one bus name, created by ``DBusConnection/watchNameOwner(_:)``.
///
/// Iterate ``changes`` (one consumer). For a unique name (`:1.42`) the stream ends after the name vanishes, since
/// unique names are never reused; it also ends when the watch is cancelled or the connection closes.
/// ```swift
/// let watch = try await bus.watchNameOwner(call.sender)
/// Task { for await change in watch.changes where change.vanished { await session.close() } }
/// ```
public final class NameOwnerWatch: Sendable {
    /// The watched name.
    public let name: String
    /// The owner changes, in bus order.
    public let changes: AsyncStream<NameOwnerChange>

    let id: UInt64
    let continuation: AsyncStream<NameOwnerChange>.Continuation
    private let onCancel: Mutex<(@Sendable () -> Void)?>

    init(name: String, id: UInt64) {
        self.name = name
        self.id = id
        (changes, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        onCancel = Mutex(nil)
    }

    /// Connects cancellation to the connection that delivers the changes.
    func setCancelHandler(_ handler: @escaping @Sendable () -> Void) {
        onCancel.withLock { $0 = handler }
        continuation.onTermination = { [weak self] _ in self?.cancel() }
    }

    /// Delivers a change; finishes the stream when a unique name vanishes.
    func deliver(_ change: NameOwnerChange) {
        continuation.yield(change)
        if change.vanished, name.hasPrefix(":") { cancel() }
    }

    /// Stops watching: removes the bus match and ends ``changes``. Idempotent.
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
