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

/// `count` records numbered from `first`, two samples each (the number's high and low 16 bits), so that
/// their order can be checked across a gap of any size. Every count the tests use is even, so records
/// stay whole through writes, reads and discards.
func records(from first: Int, count: Int) -> [Int16] {
    (first..<first + count).flatMap { [Int16(truncatingIfNeeded: $0 >> 16), Int16(truncatingIfNeeded: $0)] }
}

/// Checks that the records a consumer receives come in strictly increasing order (none twice).
struct RecordOrder {
    private(set) var last = -1
    private(set) var disorder = 0

    mutating func check(_ samples: ArraySlice<Int16>) {
        var index = samples.startIndex
        while index + 1 < samples.endIndex {
            let number = Int(UInt16(bitPattern: samples[index])) << 16 | Int(UInt16(bitPattern: samples[index + 1]))
            if number <= last { disorder += 1 }
            last = number
            index += 2
        }
    }
}
