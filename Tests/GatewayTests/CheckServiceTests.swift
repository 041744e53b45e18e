import BusTestSupport
import DBusService
import Gateway
import LiveClient
import LiveProtocol
import LiveSimulator
import Testing

@Suite("CheckService asks the endpoint about the key and the model with the gateway's own credential")
struct CheckServiceTests {
    typealias G = GatewayHarness

    static let key = "check-service-key-5b1e"

    /// Calls CheckService through a connection of our own and returns its reply by name.
    static func check(_ gateway: GatewayHarness, _ options: [String: DBusValue] = [:]) async throws -> [String: DBusValue] {
        let client = try await OwnClient.connect(gateway)
        let reply: [DBusValue]
        do {
            reply = try await client.connection.call(
                destination: G.name, path: try DBusObjectPath(G.manager), interface: G.managerInterface,
                member: "CheckService", arguments: [options.dbusValue])
        } catch {
            await client.close()
            throw error
        }
        await client.close()
        guard case .dictionary(_, _, let entries)? = reply.first else { throw TestBusError("CheckService replied \(reply)") }
        var result: [String: DBusValue] = [:]
        for (key, value) in entries {
            if case .string(let name) = key { result[name] = value.unwrappingVariant }
        }
        return result
    }

    @Test("the simulator with the right key: reachable, key accepted, the default model known and served")
    func allGood() async throws {
        try await G.with(
            simulator: SimulatorConfiguration(apiKey: Secret(Self.key), pacing: .immediate),
            credential: .apiKey(Secret(Self.key))
        ) { gateway in
            let reply = try await Self.check(gateway)
            #expect(reply["ok"] == .boolean(true), "\(reply)")
            for name in ["reachable", "key_accepted", "model_known", "model_served"] {
                #expect(reply[name] == .boolean(true), "\(name): \(reply)")
                #expect(reply["\(name)_detail"]?.as(String.self)?.isEmpty == false)
                #expect(reply["\(name)_fix"] == nil)
            }
            #expect(reply["model"] == .string(LiveModel.defaultID))
            #expect(reply["backend"] == .string("simulator \(gateway.simulatorAddress.baseURL)"))
            #expect(reply["url"]?.as(String.self)?.hasSuffix("/v1beta/models/\(LiveModel.defaultID)") == true)
            #expect(!"\(reply)".contains(Self.key), "the key is in no value")
            #expect(!gateway.logs.text.contains(Self.key))
        }
    }

    @Test("a wrong key is refused with a fix; a retired model is unknown and not served; the key stays hidden")
    func refusals() async throws {
        try await G.with(
            simulator: SimulatorConfiguration(apiKey: Secret(Self.key), pacing: .immediate),
            credential: .apiKey(Secret("wrong-\(Self.key)"))
        ) { gateway in
            let reply = try await Self.check(gateway)
            #expect(reply["ok"] == .boolean(false))
            #expect(reply["reachable"] == .boolean(true))
            #expect(reply["key_accepted"] == .boolean(false))
            #expect(reply["key_accepted_detail"]?.as(String.self)?.contains("400") == true, "\(reply)")
            #expect(reply["key_accepted_fix"]?.as(String.self)?.contains("aistudio.google.com/apikey") == true)
            #expect(!"\(reply)".contains(Self.key))
        }
        try await G.with(
            simulator: SimulatorConfiguration(apiKey: Secret(Self.key), pacing: .immediate),
            credential: .apiKey(Secret(Self.key))
        ) { gateway in
            let retired = try await Self.check(gateway, ["model": .string("gemini-2.0-flash-live-001")])
            #expect(retired["key_accepted"] == .boolean(true))
            #expect(retired["model_known"] == .boolean(false))
            #expect(retired["model_known_fix"]?.as(String.self)?.contains("gemini-") == true, "\(retired)")
            #expect(retired["model_served"] == .boolean(false))
            #expect(retired["model_served_detail"]?.as(String.self)?.contains("404") == true, "\(retired)")
            #expect(retired["model_served_fix"]?.as(String.self)?.contains(LiveModel.defaultID) == true)
        }
    }

    @Test("nothing listening: not reachable with a fix; no endpoint configured: how to set a key")
    func unreachableAndUnconfigured() async throws {
        try await G.with(configure: { configuration in
            configuration.client?.endpoint = LiveEndpoint(baseURL: "ws://127.0.0.1:9", credential: .none)
        }) { gateway in
            let reply = try await Self.check(gateway)
            #expect(reply["reachable"] == .boolean(false), "\(reply)")
            #expect(reply["reachable_fix"]?.as(String.self)?.contains("endpoint") == true)
            #expect(reply["ok"] == .boolean(false))
        }
        try await G.with(configure: { $0.client = nil }) { gateway in
            let reply = try await Self.check(gateway)
            #expect(reply["reachable"] == .boolean(false))
            #expect(reply["key_accepted_fix"] == .string(GatewayConfiguration.howToSetAKey))
            #expect(reply["model_known"] == .boolean(true), "the model table needs no network")
        }
    }

    @Test("an unknown option or a wrongly typed model is InvalidArgs naming it")
    func badOptions() async throws {
        try await G.with { gateway in
            let unknown = try await gateway.gdbus(G.manager, G.managerInterface, "CheckService", "{'modle': <'x'>}")
            #expect(unknown.status != 0)
            #expect(unknown.stderr.contains("org.freedesktop.DBus.Error.InvalidArgs"), "\(unknown.stderr)")
            #expect(unknown.stderr.contains("modle"))
            let typed = try await gateway.gdbus(G.manager, G.managerInterface, "CheckService", "{'model': <7>}")
            #expect(typed.stderr.contains("org.freedesktop.DBus.Error.InvalidArgs"), "\(typed.stderr)")
            #expect(typed.stderr.contains("must be of type s"))
        }
    }
}
