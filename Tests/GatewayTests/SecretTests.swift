import BusTestSupport
import Foundation
import Gateway
import LiveProtocol
import LiveSimulator
import Testing

@Suite("The API key never leaves the gateway")
struct SecretTests {
    typealias G = GatewayHarness

    static func fakeKey() -> String { "AIzaFAKE-\(UUID().uuidString)" }

    @Test("the daemon with GEMINI_API_KEY: the key is in no log line, property, signal, reply or error on the bus")
    func daemonNeverShowsTheKey() async throws {
        let key = Self.fakeKey()
        let simulator = LiveSimulator(configuration: SimulatorConfiguration(apiKey: Secret(key), pacing: .immediate))
        try await simulator.withRunning { address in
            try await TestBus.with { bus in
                let everything = try await bus.startMonitor([])
                let daemon = try await Daemon.start(
                    ["--endpoint", address.baseURL, "--log-level", "trace"], bus: bus, environment: ["GEMINI_API_KEY": key])
                var outputs: [String] = []
                func busctl(_ arguments: String...) async throws -> ClientTool.Result {
                    let result = try await ClientTool.run(["busctl", "--address=\(bus.address)"] + arguments, bus: bus)
                    outputs += [result.stdout, result.stderr]
                    return result
                }
                let started = try await busctl(
                    "--json=short", "call", G.name, G.manager, G.managerInterface, "StartSession", "a{sv}", "1", "detached", "b", "true")
                #expect(started.status == 0, "the key reached the simulator: \(started.stderr)")
                let path = try BusctlReply(started.stdout).string(0)
                _ = try await busctl("call", G.name, path, G.sessionInterface, "SendText", "s", "hello")
                let turned = await eventually {
                    (try? await busctl("get-property", G.name, path, G.sessionInterface, "Turn"))?.stdout.contains("t 1") == true
                }
                #expect(turned)
                for property in ["Version", "Sessions", "DefaultModel", "Backend"] {
                    _ = try await busctl("get-property", G.name, G.manager, G.managerInterface, property)
                }
                for property in ["State", "Model", "Owner", "Turn", "Usage", "LastError", "InputNode", "OutputNode"] {
                    _ = try await busctl("get-property", G.name, path, G.sessionInterface, property)
                }
                _ = try await busctl("introspect", G.name, path)
                let refused = try await busctl("call", G.name, G.manager, G.managerInterface, "StartSession", "a{sv}", "1", "model", "s", "gemini-9.9-imaginary-live")
                #expect(refused.stderr.contains("1008"), "\(refused.stderr)")
                let invalid = try await busctl("call", G.name, G.manager, G.managerInterface, "StartSession", "a{sv}", "1", "model", "s", "gemini-2.0-flash-live-001")
                #expect(invalid.status != 0)
                _ = try await busctl("call", G.name, path, G.sessionInterface, "Close")

                let stopped = await daemon.terminate()
                let traffic = await everything.stop().stdout
                #expect(stopped?.status == 0)
                let stderr = stopped?.stderr ?? ""
                #expect(stderr.contains("trace") || stderr.contains("debug"), "logging at trace level")
                #expect(traffic.contains("member=TurnComplete"), "the monitor saw the session")
                #expect(!stderr.contains(key), "the key is not in the daemon's log")
                #expect(!traffic.contains(key), "the key is not on the bus")
                #expect(!outputs.joined().contains(key), "the key is in no reply or error")
                #expect(simulator.recorder.connections.count >= 2)
            }
        }
    }

    @Test("a refused key: the ConnectionFailed error and the gateway's trace log do not contain it")
    func refusedKey() async throws {
        let key = Self.fakeKey()
        let wrong = Self.fakeKey()
        try await G.with(simulator: SimulatorConfiguration(apiKey: Secret(key), pacing: .immediate), credential: .apiKey(Secret(wrong))) { gateway in
            let result = try await gateway.gdbus(G.manager, G.managerInterface, "StartSession", "@a{sv} {}")
            let error = try #require(GDBusError(result), "\(result)")
            #expect(error.name == "io.github.geminilive.Gateway1.Error.ConnectionFailed", "\(error)")
            #expect(!result.stderr.contains(wrong) && !result.stderr.contains(key))
            let backend = try await gateway.property(G.manager, G.managerInterface, "Backend").data as? String
            #expect(backend?.contains(wrong) == false)
            #expect(!gateway.logs.text.contains(wrong), "the key is not in the gateway's log")
            #expect(error.message.contains("API key"), "\(error.message)")
        }
    }
}
