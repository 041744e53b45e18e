import BusTestSupport
import Foundation
import LiveSimulator
import Testing

@Suite("--exit-when-idle")
struct IdleExitTests {
    typealias G = GatewayHarness

    @Test("with no session the daemon exits on its own, status 0, once the idle time has passed")
    func exitsWhenIdle() async throws {
        try await TestBus.with { bus in
            let started = ContinuousClock.now
            let daemon = try Daemon.launch(["--simulator", "--exit-when-idle", "1"], bus: bus)
            let result = try #require(await daemon.exit(within: .seconds(30)), "the daemon exits by itself")
            #expect(ContinuousClock.now - started >= .seconds(1), "not before the idle time")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("serving \(G.name)"), "\(result.stderr)")
            #expect(result.stderr.contains("no session for 1.0 seconds; exiting"), "\(result.stderr)")
            #expect(result.stderr.contains("stopped"))
        }
    }

    @Test("a StartSession in flight and an open session keep the daemon; it exits once the session is closed")
    func busyUntilClosed() async throws {
        var faults = FaultScript()
        faults.setupDelay = .seconds(4)
        let simulator = LiveSimulator(configuration: SimulatorConfiguration(faults: faults, pacing: .immediate))
        try await simulator.withRunning { address in
            try await TestBus.with { bus in
                let daemon = try Daemon.launch(["--endpoint", address.baseURL, "--exit-when-idle", "2"], bus: bus)
                // Called as soon as the name is there: the call then waits out the simulator's 4 s setup delay.
                var reply: ClientTool.Result?
                let called = await eventually {
                    reply = try? await bus.busctl(
                        "--json=short", "call", G.name, G.manager, G.managerInterface, "StartSession", "a{sv}", "1", "detached", "b", "true")
                    return reply?.status == 0 || !daemon.tool.isRunning
                }
                #expect(called && daemon.tool.isRunning, "StartSession answered while the daemon ran: \(daemon.tool.stderr)")
                let path = try BusctlReply(try #require(reply).stdout).string(0)

                try await Task.sleep(for: .seconds(3))
                #expect(daemon.tool.isRunning, "an open session keeps the daemon")
                #expect(!daemon.tool.stderr.contains("exiting"), "\(daemon.tool.stderr)")

                let closed = try await bus.busctl("call", G.name, path, G.sessionInterface, "Close")
                #expect(closed.status == 0, "\(closed.stderr)")
                let closedAt = ContinuousClock.now
                let result = try #require(await daemon.exit(within: .seconds(30)), "the daemon exits once the session is closed")
                #expect(ContinuousClock.now - closedAt >= .seconds(1), "the idle time counts from the close")
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stderr.contains("no session for 2.0 seconds; exiting"), "\(result.stderr)")
            }
        }
    }
}
