import BusTestSupport
import DBusService
import Foundation
import Gateway
import LiveClient
import LiveProtocol
import LiveSimulator
import Logging
import ServiceLifecycle

/// The gateway running in-process (a `GatewayService` in a `ServiceGroup`) on a private bus, against an in-process
/// simulator. Tests drive it with independent clients: `busctl`, `gdbus`, `dbus-monitor`.
struct GatewayHarness: Sendable {
    let bus: TestBus
    let simulator: LiveSimulator
    let simulatorAddress: SimulatorAddress
    let logs: LogCapture
    let group: ServiceGroup
    /// A connection of the test's own, for reads that poll (no process per read).
    let reader: DBusConnection

    static let name = GatewayConfiguration.busName
    static let manager = GatewayConfiguration.managerPath
    static let managerInterface = GatewayConfiguration.managerInterface
    static let sessionInterface = GatewayConfiguration.sessionInterface

    /// Runs `body` with a gateway serving on a fresh bus, then shuts the gateway down gracefully and stops the bus.
    /// `configure` adjusts the gateway's configuration (its client already points at the simulator).
    static func with<T: Sendable>(
        simulator configuration: SimulatorConfiguration = SimulatorConfiguration(pacing: .immediate),
        credential: Credential = .none,
        configure: @Sendable (inout GatewayConfiguration) -> Void = { _ in },
        _ body: (GatewayHarness) async throws -> T
    ) async throws -> T {
        let logs = LogCapture()
        let simulator = LiveSimulator(configuration: configuration, logger: logs.logger(label: "simulator"))
        return try await TestBus.with { bus in
            try await simulator.withRunning { address in
                let endpoint = LiveEndpoint(baseURL: address.baseURL, credential: credential)
                var gatewayConfiguration = GatewayConfiguration(
                    client: LiveClientConfiguration(endpoint: endpoint), backend: "simulator \(address.baseURL)",
                    busAddress: .address(bus.address))
                configure(&gatewayConfiguration)
                let logger = logs.logger(label: "gateway")
                let gateway = GatewayService(configuration: gatewayConfiguration, logger: logger)
                let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [gateway], logger: logger))
                let reader = try await DBusConnection.connect(.init(address: .address(bus.address)))
                let harness = GatewayHarness(
                    bus: bus, simulator: simulator, simulatorAddress: address, logs: logs, group: group, reader: reader)
                return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { tasks in
                    tasks.addTask { try await group.run() }
                    do {
                        try await harness.waitForGateway()
                        let result = try await body(harness)
                        await group.triggerGracefulShutdown()
                        try await tasks.waitForAll()
                        await reader.close()
                        return result
                    } catch {
                        await group.triggerGracefulShutdown()
                        try? await tasks.waitForAll()
                        await reader.close()
                        throw error
                    }
                }
            }
        }
    }

    /// Begins the gateway's graceful shutdown (as SIGTERM would).
    func shutdown() async {
        await group.triggerGracefulShutdown()
    }

    /// Waits until the gateway owns its name (asked in process: `NameHasOwner`).
    func waitForGateway() async throws {
        let owned = await eventually {
            let reply = try? await reader.call(
                destination: "org.freedesktop.DBus", path: try DBusObjectPath("/org/freedesktop/DBus"),
                interface: "org.freedesktop.DBus", member: "NameHasOwner", arguments: [.string(Self.name)])
            return reply?.first == .boolean(true)
        }
        guard owned else { throw TestBusError("the gateway did not take \(Self.name)\n\(logs.text)") }
    }

    // MARK: busctl

    /// `busctl --json=short call NAME PATH INTERFACE METHOD [SIGNATURE ARGS…]`, decoded; throws on failure.
    @discardableResult
    func call(_ path: String, _ interface: String, _ method: String, _ arguments: String...) async throws -> BusctlReply {
        let result = try await ClientTool.run(
            ["busctl", "--address=\(bus.address)", "--json=short", "call", Self.name, path, interface, method] + arguments,
            bus: bus)
        guard result.status == 0 else {
            throw TestBusError("busctl call \(method) \(arguments) failed: \(result.stderr)")
        }
        return try BusctlReply(result.stdout)
    }

    /// `busctl call … StartSession a{sv} N key type value …` (a new connection, which leaves at once).
    func startSession(_ options: [String] = ["0"]) async throws -> String {
        let arguments = ["call", Self.name, Self.manager, Self.managerInterface, "StartSession", "a{sv}"] + options
        let result = try await ClientTool.run(["busctl", "--address=\(bus.address)", "--json=short"] + arguments, bus: bus)
        guard result.status == 0 else { throw TestBusError("StartSession \(options) failed: \(result.stderr)") }
        return try BusctlReply(result.stdout).string(0)
    }

    /// `busctl --json=short get-property NAME PATH INTERFACE PROPERTY`: the value's type and data.
    func property(_ path: String, _ interface: String, _ name: String) async throws -> (type: String, data: Any) {
        let result = try await ClientTool.run(
            ["busctl", "--address=\(bus.address)", "--json=short", "get-property", Self.name, path, interface, name], bus: bus)
        guard result.status == 0 else { throw TestBusError("get-property \(name) failed: \(result.stderr)") }
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        guard let type = object?["type"] as? String, let data = object?["data"] else {
            throw TestBusError("get-property \(name): unexpected output \(result.stdout)")
        }
        return (type, data)
    }

    /// A property read in process (`org.freedesktop.DBus.Properties.Get` on ``reader``), in the shape
    /// `busctl --json=short get-property` prints it: for polling while real-time audio plays, where a
    /// `busctl` process per read would compete with PipeWire for the cores.
    func readProperty(_ path: String, _ interface: String, _ name: String) async throws -> (type: String, data: Any) {
        let reply: [DBusValue]
        do {
            reply = try await reader.call(
                destination: Self.name, path: try DBusObjectPath(path), interface: "org.freedesktop.DBus.Properties",
                member: "Get", arguments: [.string(interface), .string(name)])
        } catch {
            throw TestBusError("Get \(name) failed: \(error.name.rawValue): \(error.message)")
        }
        guard let value = reply.first?.unwrappingVariant else { throw TestBusError("Get \(name) returned nothing") }
        return (value.type.signature, value.busctlJSON)
    }

    /// A session property's value as a string, read in process (for `s` properties).
    func readSessionString(_ path: String, _ name: String) async throws -> String? {
        try await readProperty(path, Self.sessionInterface, name).data as? String
    }

    /// A session property's value as a string (for `s` properties).
    func sessionString(_ path: String, _ name: String) async throws -> String? {
        try await property(path, Self.sessionInterface, name).data as? String
    }

    /// The open sessions, from `ListSessions`.
    func listSessions() async throws -> [String] {
        try await call(Self.manager, Self.managerInterface, "ListSessions").strings(0)
    }

    // MARK: gdbus (errors carry their D-Bus name)

    /// `gdbus call --address … --dest NAME --object-path PATH --method INTERFACE.METHOD ARGS…` (GVariant text).
    func gdbus(_ path: String, _ interface: String, _ method: String, _ arguments: String...) async throws -> ClientTool.Result {
        try await bus.gdbusCall(dest: Self.name, path: path, method: "\(interface).\(method)", arguments)
    }

    /// `busctl monitor`-like watcher: `dbus-monitor` for the gateway's signals.
    func monitorSignals() async throws -> ClientTool {
        try await bus.startMonitor(["type='signal',sender='\(Self.name)'"])
    }
}

extension TestBus {
    /// `busctl call … StartSession a{sv} 1 detached b true` on the gateway; the session's path.
    func startDetachedSession() async throws -> String {
        let reply = try await busctl(
            "--json=short", "call", GatewayHarness.name, GatewayHarness.manager, GatewayHarness.managerInterface,
            "StartSession", "a{sv}", "1", "detached", "b", "true")
        guard reply.status == 0 else { throw TestBusError("StartSession failed: \(reply.stderr)") }
        return try BusctlReply(reply.stdout).string(0)
    }

    /// `gdbus call` with an argument list.
    func gdbusCall(dest: String, path: String, method: String, _ arguments: [String]) async throws -> ClientTool.Result {
        try await ClientTool.run(
            ["gdbus", "call", "--address", address, "--dest", dest, "--object-path", path, "--method", method] + arguments,
            bus: self)
    }
}

/// A `busctl --json=short call` reply: `{"type": "…", "data": […]}`.
struct BusctlReply {
    var type: String
    var data: [Any]

    init(_ json: String) throws {
        let trimmed = json.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            (type, data) = ("", [])
            return
        }
        guard let object = try JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any],
            let type = object["type"] as? String, let data = object["data"] as? [Any]
        else { throw TestBusError("not a busctl JSON reply: \(json)") }
        (self.type, self.data) = (type, data)
    }

    func string(_ index: Int) throws -> String {
        guard data.indices.contains(index), let value = data[index] as? String else {
            throw TestBusError("reply \(type) \(data) has no string at \(index)")
        }
        return value
    }

    func strings(_ index: Int) throws -> [String] {
        guard data.indices.contains(index), let value = data[index] as? [String] else {
            throw TestBusError("reply \(type) \(data) has no string array at \(index)")
        }
        return value
    }
}

/// A D-Bus error as `gdbus call` prints it: `Error: GDBus.Error:NAME: MESSAGE`.
struct GDBusError: Equatable {
    var name: String
    var message: String

    /// The error of a failed `gdbus call`, or nil when it succeeded or printed something else.
    init?(_ result: ClientTool.Result) {
        guard result.status != 0, let range = result.stderr.range(of: "GDBus.Error:") else { return nil }
        let rest = result.stderr[range.upperBound...]
        guard let colon = rest.range(of: ": ") else { return nil }
        name = String(rest[..<colon.lowerBound])
        message = String(rest[colon.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension DBusValue {
    /// The value as `busctl --json=short` prints it, decoded by `JSONSerialization`: numbers as
    /// `NSNumber`, variants as `{"type": …, "data": …}`, string-keyed dictionaries as objects, arrays
    /// and structs as arrays.
    var busctlJSON: Any {
        switch self {
        case .byte(let v): NSNumber(value: v)
        case .boolean(let v): v
        case .int16(let v): NSNumber(value: v)
        case .uint16(let v): NSNumber(value: v)
        case .int32(let v): NSNumber(value: v)
        case .uint32(let v): NSNumber(value: v)
        case .int64(let v): NSNumber(value: v)
        case .uint64(let v): NSNumber(value: v)
        case .double(let v): NSNumber(value: v)
        case .string(let v): v
        case .objectPath(let v): v.rawValue
        case .signature(let v): v.text
        case .variant(let inner): ["type": inner.type.signature, "data": inner.busctlJSON] as [String: Any]
        case .array(_, let values): values.map(\.busctlJSON)
        case .structure(let fields): fields.map(\.busctlJSON)
        case .dictionary(_, _, let entries):
            Dictionary(uniqueKeysWithValues: entries.map { key, value in ("\(key.busctlJSON)", value.busctlJSON) })
        }
    }
}
