import BusTestSupport
import Foundation
import Gateway
import LiveSimulator
import Synchronization
import Testing

/// The numbers of docs/performance.md's "Continuity" section, measured and printed, never asserted:
/// `GEMINI_LIVE_MEASURE=1 swift test --filter ContinuityMeasurement`. Off in the default run: it only
/// prints, and its 1 ms polling competes for the cores with the suites that assert.
@Suite(
    "Continuity measurement (prints numbers)",
    .enabled(if: ProcessInfo.processInfo.environment["GEMINI_LIVE_MEASURE"] == "1", "set GEMINI_LIVE_MEASURE=1 to measure"))
struct ContinuityMeasurement {
    typealias G = GatewayHarness

    /// Watches the recorder every millisecond and notes when each connection first appeared, so the
    /// per-connection frame offsets can be put on one clock.
    final class OpenTimes: Sendable {
        let opened = Mutex<[Int: ContinuousClock.Instant]>([:])

        func watch(_ recorder: SimulatorRecorder, until done: @Sendable () -> Bool) async {
            while !done() {
                let now = ContinuousClock.now
                for connection in recorder.connections {
                    opened.withLock { if $0[connection.number] == nil { $0[connection.number] = now } }
                }
                try? await Task.sleep(for: .milliseconds(1))
            }
        }

        /// When server frame `index` (or the last one) of `connection` went out, on the test's clock.
        func serverFrame(_ connection: RecordedConnection, last: Bool) -> ContinuousClock.Instant? {
            let frames = connection.frames.filter { $0.direction == .toClient }
            guard let frame = last ? frames.last : frames.first, let open = opened.withLock({ $0[connection.number] }) else {
                return nil
            }
            return open + frame.offset
        }
    }

    @Test("dead air at a goAway handover, messages resent and time to resume after a drop")
    func measure() async throws {
        for scenario in ["goAway", "drop"] {
            try await G.with(simulator: SimulatorConfiguration(pacing: .immediate)) { gateway in
                let faults =
                    scenario == "goAway"
                    ? FaultScript(goAwayAfter: .milliseconds(500), goAwayTimeLeft: .seconds(20))
                    : FaultScript(dropAfter: .milliseconds(500))
                gateway.simulator.enqueueFaults(faults)
                let times = OpenTimes()
                let stop = Mutex(false)
                let recorder = gateway.simulator.recorder
                async let watching: Void = times.watch(recorder) { stop.withLock { $0 } }
                let path = try await gateway.startSession(["1", "detached", "b", "true"])
                try await gateway.call(path, G.sessionInterface, "SendText", "s", "one")
                let moved = await eventually { recorder.connection(2)?.serverMessages.isEmpty == false }
                stop.withLock { $0 = true }
                await watching
                guard moved, let old = recorder.connection(1), let new = recorder.connection(2),
                    let lastOld = times.serverFrame(old, last: true), let firstNew = times.serverFrame(new, last: false)
                else {
                    Issue.record("no second connection: \(gateway.logs.text)")
                    return
                }
                let resent = new.clientMessages.count - 1
                var line = "continuity \(scenario): dead air \(lastOld.duration(to: firstNew)), client messages resent \(resent)"
                if scenario == "drop", let open = times.opened.withLock({ $0[1] }) {
                    line += ", drop → first event on the new connection \((open + .milliseconds(500)).duration(to: firstNew))"
                }
                print(line)
                try await gateway.call(path, G.sessionInterface, "Close")
            }
        }
    }
}

extension ContinuousClock.Instant {
    func duration(to other: Self) -> String {
        let milliseconds = Double((other - self).components.attoseconds) / 1e15 + Double((other - self).components.seconds) * 1000
        return String(format: "%.1f ms", milliseconds)
    }
}
