import BusTestSupport
import Foundation
import Gateway
import Testing

@Suite("The daemon process")
struct ShutdownTests {
    typealias G = GatewayHarness

    @Test("SIGTERM closes every session with Closed (the gateway is shutting down) and the daemon exits 0")
    func sigterm() async throws {
        try await TestBus.with { bus in
            let daemon = try await Daemon.start(["--simulator", "--log-level", "info"], bus: bus)
            let masks = daemon.signalMasks()
            let sigterm: UInt64 = 1 << (UInt64(SIGTERM) - 1)
            #expect(masks.ignored & sigterm == 0, "SIGTERM is not ignored by the daemon")
            let monitor = try await bus.startMonitor(["type='signal',sender='\(G.name)'"])
            var paths: [String] = []
            for _ in 0..<2 {
                let reply = try await bus.busctl(
                    "--json=short", "call", G.name, G.manager, G.managerInterface, "StartSession", "a{sv}", "1", "detached", "b", "true")
                paths.append(try BusctlReply(reply.stdout).string(0))
            }
            let result = try #require(await daemon.terminate(), "the daemon exits after SIGTERM")
            #expect(result.status == 0, "\(result.stderr)")
            let removed = await eventually { MonitorLog(monitor.stdout).signals("org.freedesktop.DBus.ObjectManager", "InterfacesRemoved").count == 2 }
            let log = MonitorLog(await monitor.stop().stdout)
            #expect(removed)
            for path in paths {
                let closed = log.signals(G.sessionInterface, "Closed", path: path).first
                #expect(closed?.values("string").last == "The gateway is shutting down; start a new session once it runs again.", "\(path)")
            }
            let owned = try await bus.busctl("status", G.name)
            #expect(owned.status != 0, "the name is released")
        }
    }

    @Test("graceful shutdown with active sessions: every Closed explains the shutdown, though the transport closes too")
    func gracefulShutdownInProcess() async throws {
        try await G.with { gateway in
            let monitor = try await gateway.monitorSignals()
            let owner = try await OwnClient.connect(gateway)
            var paths: [String] = []
            for _ in 0..<4 { paths.append(try await owner.startSession()) }
            await gateway.shutdown()
            let released = await eventually { (try? await gateway.bus.busctl("status", G.name))?.status != 0 }
            #expect(released)
            let log = MonitorLog(await monitor.stop().stdout)
            for path in paths {
                let closed = log.signals(G.sessionInterface, "Closed", path: path).first
                #expect(closed?.values("string").last == "The gateway is shutting down; start a new session once it runs again.", "\(path)")
            }
            await owner.close()
        }
    }
}
