/// The most recent latency samples of one path, for percentiles on demand: a fixed ring, so
/// recording costs no allocation after the first lap.
struct LatencyWindow: Sendable {
    /// How many samples the window keeps.
    static let capacity = 1024

    private var samples: [Int] = []
    private var next = 0
    /// Samples recorded so far, including those the window no longer holds.
    private(set) var count = 0

    /// Records one latency in nanoseconds.
    mutating func record(nanoseconds: Int) {
        count += 1
        if samples.count < Self.capacity {
            samples.append(nanoseconds)
        } else {
            samples[next] = nanoseconds
            next = (next + 1) % Self.capacity
        }
    }

    /// The `fraction` percentile (0 … 1) of the window, in milliseconds; nil when empty.
    func percentile(_ fraction: Double) -> Double? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
        return Double(sorted[max(0, index)]) / 1e6
    }
}
