/// The first value `operation` produces, or `nil` if `timeout` passes first (a hang becomes a failure, not a stall).
public func withTimeout<T: Sendable>(
    _ timeout: Duration = .seconds(15), _ operation: @escaping @Sendable () async -> T?
) async -> T? {
    await withTaskGroup(of: T?.self) { group in
        group.addTask { await operation() }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

/// The next element of a stream, or `nil` on timeout or end.
public func next<T: Sendable>(_ stream: AsyncStream<T>, timeout: Duration = .seconds(15)) async -> T? {
    await withTimeout(timeout) {
        var iterator = stream.makeAsyncIterator()
        return await iterator.next()
    }
}
