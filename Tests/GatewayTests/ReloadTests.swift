import BusTestSupport
import Foundation
import LiveSimulator
import Testing

@Suite("SIGHUP reads config.toml again")
struct ReloadTests {
    typealias G = GatewayHarness

    @Test("a new default model reaches DefaultModel and new sessions; open sessions keep theirs; a broken file changes nothing")
    func reload() async throws {
        let simulator = LiveSimulator(configuration: SimulatorConfiguration(pacing: .immediate))
        try await simulator.withRunning { address in
            try await TestBus.with { bus in
                let file = bus.directory.appendingPathComponent("config.toml")
                func write(_ text: String) throws { try text.write(to: file, atomically: true, encoding: .utf8) }
                try write("model = \"gemini-3.8-live\"\n\n[endpoint]\nurl = \"\(address.baseURL)\"\n")
                let daemon = try await Daemon.start(["--config", file.path], bus: bus)
                #expect(try await defaultModel(bus) == "gemini-3.8-live")
                let before = try await bus.startDetachedSession()
                let changes = try await bus.startMonitor(["type='signal',sender='\(G.name)',member='PropertiesChanged',path='\(G.manager)'"])

                try write("model = \"gemini-3.8-live-extended-thinking\"\n\n[endpoint]\nurl = \"ws://127.0.0.1:9\"\n")
                daemon.send(SIGHUP)
                let reloaded = await eventually { (try? await defaultModel(bus)) == "gemini-3.8-live-extended-thinking" }
                #expect(reloaded, "\(daemon.tool.stderr)")
                #expect(await eventually { daemon.tool.stderr.contains("reloaded \(file.path)") }, "\(daemon.tool.stderr)")
                #expect(daemon.tool.stderr.contains("endpoint.url changed in \(file.path): it needs a restart"), "\(daemon.tool.stderr)")
                #expect(await eventually { changes.stdout.contains("gemini-3.8-live-extended-thinking") }, "PropertiesChanged for DefaultModel")
                _ = await changes.stop()

                let after = try await bus.startDetachedSession()
                #expect(try await model(of: after, bus) == "gemini-3.8-live-extended-thinking", "a new session uses the new default")
                #expect(try await model(of: before, bus) == "gemini-3.8-live", "an open session keeps its model")

                try write("model = \"gemini-3.8-live\"\nvoice = Kore\n")
                daemon.send(SIGHUP)
                let logged = await eventually { daemon.tool.stderr.contains("not reloaded, the previous settings stay") }
                #expect(logged, "\(daemon.tool.stderr)")
                #expect(daemon.tool.stderr.contains("\(file.path):2:"), "the line of the error")
                #expect(daemon.tool.stderr.contains("Fix:"), "the fix")
                #expect(daemon.tool.isRunning, "a broken file does not stop the daemon")
                #expect(try await defaultModel(bus) == "gemini-3.8-live-extended-thinking", "the previous settings stay")

                let stopped = await daemon.terminate()
                #expect(stopped?.status == 0, "\(stopped?.stderr ?? "no exit")")
            }
        }
    }

    private func defaultModel(_ bus: TestBus) async throws -> String? {
        let reply = try await bus.busctlJSON("get-property", G.name, G.manager, G.managerInterface, "DefaultModel")
        return (reply as? [String: Any])?["data"] as? String
    }

    private func model(of session: String, _ bus: TestBus) async throws -> String? {
        let reply = try await bus.busctlJSON("get-property", G.name, session, G.sessionInterface, "Model")
        return (reply as? [String: Any])?["data"] as? String
    }
}
