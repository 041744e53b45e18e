import Dispatch

/// Runs `producer` and `consumer` at the same time on two threads of their own (not the Swift pool)
/// and returns once both have returned.
func runConcurrently(_ producer: @escaping @Sendable () -> Void, _ consumer: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        let group = DispatchGroup()
        for work in [producer, consumer] {
            group.enter()
            DispatchQueue.global().async {
                work()
                group.leave()
            }
        }
        group.notify(queue: .global()) { done.resume() }
    }
}

/// `count` samples numbered from `first` (wrapping at 16 bits), as a ring is fed in tests.
func numbered(from first: Int, count: Int) -> [Int16] {
    (0..<count).map { Int16(truncatingIfNeeded: first + $0) }
}
