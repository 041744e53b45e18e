import BusTestSupport
import Foundation
import Gateway
import LiveSimulator
import Testing

@Suite("Sessions that end while still connecting")
struct ConnectingTests {
    typealias G = GatewayHarness

    /// A simulator that answers the setup only after a minute, far beyond the gateway's setup timeout.
    static let slowSetup = SimulatorConfiguration(faults: FaultScript(setupDelay: .seconds(60)), pacing: .immediate)

    /// Starts `gdbus call … StartSession {}` in the background and waits until its session is connecting.
    static func startConnecting(_ gateway: GatewayHarness) async throws -> (caller: ClientTool, path: String) {
        let caller = try ClientTool.start(
            ["gdbus", "call", "--address", gateway.bus.address, "--dest", G.name, "--object-path", G.manager,
             "--method", "\(G.managerInterface).StartSession", "@a{sv} {}"], bus: gateway.bus)
        var path: String?
        let connecting = await eventually {
            path = try? await gateway.listSessions().first
            guard let path else { return false }
            return (try? await gateway.sessionString(path, "State")) == "connecting"
        }
        guard connecting, let path else {
            _ = await caller.stop()
            throw TestBusError("no session reached the connecting state")
        }
        return (caller, path)
    }

    @Test("the owner leaving while the session connects ends it at once: Closed says so, not a setup timeout")
    func ownerLeavesWhileConnecting() async throws {
        try await G.with(simulator: Self.slowSetup) { gateway in
            let monitor = try await gateway.monitorSignals()
            let (caller, path) = try await Self.startConnecting(gateway)
            _ = await caller.stop()
            let removed = await eventually { monitor.stdout.contains("member=InterfacesRemoved") }
            let log = MonitorLog(await monitor.stop().stdout)
            #expect(removed)
            let closed = try #require(log.signals(G.sessionInterface, "Closed", path: path).first)
            #expect(closed.values("string").last?.contains("owner left the bus") == true, "\(closed.lines)")
            #expect(try await gateway.listSessions().isEmpty)
        }
    }

    @Test("shutdown while a session connects: the caller gets InvalidState, the session Closed, and the gateway stops")
    func shutdownWhileConnecting() async throws {
        try await G.with(simulator: Self.slowSetup) { gateway in
            let monitor = try await gateway.monitorSignals()
            let (caller, path) = try await Self.startConnecting(gateway)
            await gateway.shutdown()
            let result = await caller.finish()
            let error = try #require(GDBusError(result), "\(result)")
            #expect(error.name == "io.github.geminilive.Gateway1.Error.InvalidState")
            #expect(error.message.contains("The gateway is shutting down"), "\(error.message)")
            let released = await eventually { (try? await gateway.bus.busctl("status", G.name))?.status != 0 }
            #expect(released)
            let log = MonitorLog(await monitor.stop().stdout)
            let closed = log.signals(G.sessionInterface, "Closed", path: path).first
            #expect(closed?.values("string").last?.contains("shutting down") == true, "\(String(describing: closed?.lines))")
        }
    }
}
