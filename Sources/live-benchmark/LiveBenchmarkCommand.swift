import ArgumentParser
import Foundation
import LiveProtocol

/// Measures the CPU cost of LiveProtocol's audio hot paths: client audio chunks out and model
/// audio in, encoded and decoded, at 20 ms and 100 ms chunking.
struct LiveBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live-benchmark",
        abstract: "Encode/decode throughput and CPU cost of Live API audio frames (run a release build).",
        discussion: """
            Times are process CPU time (CLOCK_PROCESS_CPUTIME_ID); each case is warmed up first and run \
            --runs times, and the median run is printed. The figures are for comparison on one machine; \
            nothing is asserted.
            """)

    @Option(help: "Seconds of CPU time per case per run (at least 0.5).")
    var duration: Double = 1.0

    @Option(help: "A fixed number of messages per case per run, instead of --duration.")
    var iterations: Int?

    @Option(help: "Runs per case; the median is printed.")
    var runs: Int = 3

    @Option(help: "Seconds of warm-up per case.")
    var warmup: Double = 0.2

    mutating func validate() throws {
        guard duration >= 0.5 else { throw ValidationError("--duration must be at least 0.5 seconds.") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
        if let iterations, iterations < 1 { throw ValidationError("--iterations must be positive.") }
    }

    func run() throws {
        let cases = try BenchmarkCase.all()
        print("live-benchmark: LiveProtocol audio frames, \(ProcessInfo.processInfo.activeProcessorCount) CPUs")
        if let iterations {
            print("\(iterations) messages per run, median of \(runs) runs, process CPU time")
        } else {
            print("≥\(formatted(duration, 1)) s CPU per run, median of \(runs) runs, process CPU time")
        }
        #if DEBUG
        print("WARNING: debug build; use `swift run -c release live-benchmark` for meaningful figures.")
        #endif
        print("")

        var results: [String: Measurement] = [:]
        var checksum = 0
        for benchmark in cases {
            try benchmark.verify()
            _ = try Measurement.run(minimumSeconds: warmup, iterations: nil, benchmark.body)
            var measured: [Measurement] = []
            for _ in 0..<runs {
                measured.append(try Measurement.run(minimumSeconds: duration, iterations: iterations, benchmark.body))
            }
            let median = Measurement.median(measured)
            checksum &+= median.checksum
            results[benchmark.id] = median
        }

        printThroughput(cases: cases, results: results)
        print("")
        printRealTimeCost(results: results)
        let usage = CPUClock.resourceUsage()
        print("")
        print("process total: user \(formatted(usage.user, 2)) s, system \(formatted(usage.system, 2)) s (checksum \(checksum & 0xffff))")
    }

    private func printThroughput(cases: [BenchmarkCase], results: [String: Measurement]) {
        let table = TextTable(
            header: ["way", "chunk", "operation", "PCM B", "JSON B", "msgs/s", "µs/msg", "JSON MB/s", "PCM MB/s"],
            rightAligned: [false, true, false, true, true, true, true, true, true])
        var lastGroup = ""
        for benchmark in cases {
            guard let result = results[benchmark.id] else { continue }
            let group = "\(benchmark.way.rawValue) \(benchmark.chunkMilliseconds)"
            if !lastGroup.isEmpty && group != lastGroup { table.addSeparator() }
            lastGroup = group
            let rate = result.messagesPerCPUSecond
            table.addRow([
                benchmark.way.rawValue, "\(benchmark.chunkMilliseconds) ms", benchmark.operation,
                "\(benchmark.pcmBytes)", "\(benchmark.jsonBytes)", formatted(rate, 0),
                formatted(result.cpuMicrosecondsPerMessage, 2),
                formatted(rate * Double(benchmark.jsonBytes) / 1e6, 1),
                formatted(rate * Double(benchmark.pcmBytes) / 1e6, 1),
            ])
        }
        print("Throughput (one core, CPU time):")
        table.print()
    }

    private func printRealTimeCost(results: [String: Measurement]) {
        let table = TextTable(
            header: ["way", "chunk", "msgs per audio s", "encode µs", "decode µs", "CPU µs per audio s", "% of one core"],
            rightAligned: [false, true, true, true, true, true, true])
        func row(_ label: String, _ chunk: Int, encode: String, decode: String) {
            guard let encoded = results[encode], let decoded = results[decode] else { return }
            let perSecond = 1000 / chunk
            let cost = Double(perSecond) * (encoded.cpuMicrosecondsPerMessage + decoded.cpuMicrosecondsPerMessage)
            table.addRow([
                label, "\(chunk) ms", "\(perSecond)", formatted(encoded.cpuMicrosecondsPerMessage, 2),
                formatted(decoded.cpuMicrosecondsPerMessage, 2), formatted(cost, 0), formatted(cost / 1e4, 3),
            ])
        }
        for chunk in BenchmarkCase.chunkMilliseconds {
            row("up (mic 16 kHz)", chunk, encode: BenchmarkCase.id(.up, chunk, .fastEncode),
                decode: BenchmarkCase.id(.up, chunk, .decode))
            row("down (voice 24 kHz)", chunk, encode: BenchmarkCase.id(.down, chunk, .serviceEncode),
                decode: BenchmarkCase.id(.down, chunk, .decode))
            row("gateway: up enc + down dec", chunk, encode: BenchmarkCase.id(.up, chunk, .fastEncode),
                decode: BenchmarkCase.id(.down, chunk, .decode))
            if chunk != BenchmarkCase.chunkMilliseconds.last { table.addSeparator() }
        }
        print("CPU cost per second of real-time audio (encode + decode of one second's chunks):")
        table.print()
    }
}

/// `value` with `digits` fraction digits and thousands separators for big numbers.
func formatted(_ value: Double, _ digits: Int) -> String {
    let text = String(format: "%.\(digits)f", value)
    guard digits == 0, value >= 10_000 else { return text }
    var grouped = ""
    for (index, character) in text.reversed().enumerated() {
        if index > 0 && index % 3 == 0 { grouped.append(",") }
        grouped.append(character)
    }
    return String(grouped.reversed())
}
