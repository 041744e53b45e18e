import AudioNodes
import BusTestSupport
import DBusService
import Foundation
import Gateway
import LiveClient
import LiveProtocol
import LiveSimulator
import Logging
import ServiceLifecycle

/// The gateway in-process on a private bus against an in-process simulator, and the built `gemini-live`
/// executable run against it as a child process (each run a new bus connection, like a user's shell).
struct CLIHarness: Sendable {
    let bus: TestBus
    let simulatorAddress: SimulatorAddress

    /// Runs `body` with a gateway serving on a fresh bus; shuts it down and stops the bus afterwards.
    /// With `desktop` the gateway has audio on that desktop's PipeWire and the simulator answers
    /// speech in real time with its echo voice; without, it runs without audio and answers at once.
    static func with<T: Sendable>(desktop: TestDesktop? = nil, _ body: (CLIHarness) async throws -> T) async throws -> T {
        let logger = Logger(label: "cli-tests", factory: { _ in SwiftLogNoOpLogHandler() })
        let simulatorConfiguration =
            desktop == nil ? SimulatorConfiguration(pacing: .immediate) : SimulatorConfiguration(voice: .echo)
        let simulator = LiveSimulator(configuration: simulatorConfiguration, logger: logger)
        return try await TestBus.with { bus in
            try await simulator.withRunning { address in
                let endpoint = LiveEndpoint(baseURL: address.baseURL, credential: .none)
                var configuration = GatewayConfiguration(
                    client: LiveClientConfiguration(endpoint: endpoint), backend: "simulator \(address.baseURL)",
                    busAddress: .address(bus.address))
                if let desktop { configuration.audio = AudioConfiguration(pipeWire: .init(remote: desktop.socket)) }
                let gateway = GatewayService(configuration: configuration, logger: logger)
                let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [gateway], logger: logger))
                let harness = CLIHarness(bus: bus, simulatorAddress: address)
                return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { tasks in
                    tasks.addTask { try await group.run() }
                    do {
                        let up = await eventually {
                            (try? await bus.busctl("status", GatewayConfiguration.busName))?.status == 0
                        }
                        guard up else { throw TestBusError("the gateway did not take its name") }
                        let result = try await body(harness)
                        await group.triggerGracefulShutdown()
                        try await tasks.waitForAll()
                        return result
                    } catch {
                        await group.triggerGracefulShutdown()
                        try? await tasks.waitForAll()
                        throw error
                    }
                }
            }
        }
    }

    /// The built `gemini-live` executable, beside the test bundle.
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("gemini-live").path
    }

    /// The environment of a CLI run: only this bus, a temporary HOME and no colour.
    var environment: [String: String] {
        let home = bus.directory.appendingPathComponent("home").path
        return [
            "PATH": "/usr/bin:/bin", "HOME": home, "XDG_CONFIG_HOME": "\(home)/.config",
            "DBUS_SESSION_BUS_ADDRESS": bus.address, "NO_COLOR": "1",
        ]
    }

    /// Runs `gemini-live ARGUMENTS` to completion.
    func run(_ arguments: String..., extraEnvironment: [String: String] = [:]) async throws -> ClientTool.Result {
        try await ClientTool.run(
            [Self.executable] + arguments, bus: bus, environment: environment.merging(extraEnvironment) { $1 })
    }

    /// Starts `gemini-live ARGUMENTS` in the background (e.g. `watch`).
    func start(_ arguments: String...) throws -> ClientTool {
        try ClientTool.start([Self.executable] + arguments, bus: bus, environment: environment)
    }

    /// Starts `gemini-live watch ARGUMENTS` and waits until it has subscribed.
    func watch(_ arguments: String...) async throws -> ClientTool {
        let watcher = try ClientTool.start([Self.executable, "watch"] + arguments, bus: bus, environment: environment)
        guard await eventually({ watcher.stderr.contains("watching") || !watcher.stderr.isEmpty }) else {
            _ = await watcher.stop()
            throw TestBusError("gemini-live watch did not start")
        }
        return watcher
    }
}

/// JSON lines printed by `--json`.
func jsonLines(_ text: String) -> [[String: Any]] {
    text.split(separator: "\n").compactMap {
        (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
    }
}
