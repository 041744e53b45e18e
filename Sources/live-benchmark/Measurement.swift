/// One timed run of a benchmark case: how many messages, how much CPU and wall time.
struct Measurement {
    var messages: Int
    var cpuSeconds: Double
    var wallSeconds: Double
    /// Sum of output sizes; printed so the optimiser cannot drop the work.
    var checksum: Int

    var cpuMicrosecondsPerMessage: Double { cpuSeconds / Double(max(messages, 1)) * 1e6 }
    var messagesPerCPUSecond: Double { Double(messages) / max(cpuSeconds, 1e-12) }

    /// Runs `body` in batches until `minimumSeconds` of process CPU time have passed (or exactly
    /// `iterations` times when given). `body` returns a size to keep its result alive.
    static func run(minimumSeconds: Double, iterations: Int?, _ body: () throws -> Int) rethrows -> Measurement {
        var checksum = 0
        // Batch size: about 5 ms of work per clock read.
        var batch = 1
        if iterations == nil {
            while true {
                let start = CPUClock.processCPU()
                for _ in 0..<batch { checksum &+= try body() }
                let elapsed = CPUClock.processCPU() - start
                if elapsed >= 0.005 || batch >= 1 << 20 { break }
                batch *= 2
            }
        }
        var messages = 0
        let wallStart = CPUClock.wall()
        let cpuStart = CPUClock.processCPU()
        var cpuNow = cpuStart
        if let iterations {
            for _ in 0..<iterations { checksum &+= try body() }
            messages = iterations
            cpuNow = CPUClock.processCPU()
        } else {
            repeat {
                for _ in 0..<batch { checksum &+= try body() }
                messages += batch
                cpuNow = CPUClock.processCPU()
            } while cpuNow - cpuStart < minimumSeconds
        }
        return Measurement(
            messages: messages, cpuSeconds: cpuNow - cpuStart, wallSeconds: CPUClock.wall() - wallStart,
            checksum: checksum)
    }

    /// The run with the median CPU cost per message.
    static func median(_ runs: [Measurement]) -> Measurement {
        let sorted = runs.sorted { $0.cpuMicrosecondsPerMessage < $1.cpuMicrosecondsPerMessage }
        return sorted[sorted.count / 2]
    }
}
