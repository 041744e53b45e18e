import BusTestSupport
import DBusService
import Gateway
import Synchronization

/// Every signal the gateway emits, as a bus connection of the test's own receives it: decoded values rather than
/// `dbus-monitor` text, so reasons with quotes or backticks compare exactly.
final class GatewaySignals: Sendable {
    typealias G = GatewayHarness

    /// One `Closed` signal's arguments.
    struct Closed: Sendable, Hashable {
        var code: UInt32
        var reason: String
        var explanation: String
    }

    private final class Store: Sendable {
        let signals = Mutex<[DBusSignal]>([])
    }

    private let connection: DBusConnection
    private let subscription: SignalSubscription
    private let store: Store
    private let pump: Task<Void, Never>

    private init(connection: DBusConnection, subscription: SignalSubscription) {
        self.connection = connection
        self.subscription = subscription
        let store = Store()
        self.store = store
        pump = Task {
            for await signal in subscription.signals {
                store.signals.withLock { $0.append(signal) }
            }
        }
    }

    /// Subscribes to everything the gateway's name sends; returns once the bus has the match rule.
    static func start(_ gateway: GatewayHarness) async throws -> GatewaySignals {
        let connection = try await DBusConnection.connect(.init(address: .address(gateway.bus.address)))
        let subscription = try await connection.subscribe(to: DBusMatchRule(sender: G.name))
        return GatewaySignals(connection: connection, subscription: subscription)
    }

    /// The session-interface signals named `member` (from the session at `path`, when given), in order.
    func signals(_ member: String, path: String? = nil) -> [DBusSignal] {
        store.signals.withLock { signals in
            signals.filter {
                $0.interface == G.sessionInterface && $0.member == member && (path == nil || $0.path.rawValue == path)
            }
        }
    }

    /// The `Closed` signals of the session at `path` (of every session when nil).
    func closed(_ path: String? = nil) -> [Closed] {
        signals("Closed", path: path).compactMap { signal in
            guard signal.arguments.count == 3, case .uint32(let code) = signal.arguments[0],
                case .string(let reason) = signal.arguments[1], case .string(let explanation) = signal.arguments[2]
            else { return nil }
            return Closed(code: code, reason: reason, explanation: explanation)
        }
    }

    /// The `contextKept` flags of the session's `Resumed` signals.
    func resumed(_ path: String) -> [Bool] {
        signals("Resumed", path: path).compactMap { signal in
            if case .boolean(let kept)? = signal.arguments.first { return kept }
            return nil
        }
    }

    /// The session's `TurnComplete` signals.
    func turnCompletes(_ path: String) -> Int {
        signals("TurnComplete", path: path).count
    }

    /// The session properties announced by `PropertiesChanged`, in order: `(name, value)` pairs.
    func propertyChanges(_ path: String) -> [(name: String, value: DBusValue)] {
        let changes = store.signals.withLock { signals in
            signals.filter {
                $0.interface == "org.freedesktop.DBus.Properties" && $0.member == "PropertiesChanged" && $0.path.rawValue == path
            }
        }
        return changes.flatMap { signal -> [(name: String, value: DBusValue)] in
            guard signal.arguments.count >= 2, signal.arguments[0] == .string(G.sessionInterface),
                case .dictionary(_, _, let entries) = signal.arguments[1]
            else { return [] }
            return entries.compactMap { key, value in
                guard case .string(let name) = key else { return nil }
                return (name, value.unwrappingVariant)
            }.sorted { $0.name < $1.name }
        }
    }

    /// The State values announced by `PropertiesChanged`, in order.
    func states(_ path: String) -> [String] {
        propertyChanges(path).compactMap { change in
            guard change.name == "State", case .string(let state) = change.value else { return nil }
            return state
        }
    }

    /// Ends the subscription and closes the connection.
    func stop() async {
        subscription.cancel()
        await pump.value
        await connection.close()
    }
}

extension OwnClient {
    /// A session property, read through this connection (`org.freedesktop.DBus.Properties.Get`).
    func property(_ path: String, _ name: String) async throws -> DBusValue {
        let reply = try await connection.call(
            destination: GatewayHarness.name, path: try DBusObjectPath(path), interface: "org.freedesktop.DBus.Properties",
            member: "Get", arguments: [.string(GatewayHarness.sessionInterface), .string(name)])
        guard let value = reply.first else { throw TestBusError("Get \(name) replied nothing") }
        return value.unwrappingVariant
    }

    /// A session property of type `s`.
    func string(_ path: String, _ name: String) async throws -> String {
        guard case .string(let value) = try await property(path, name) else { throw TestBusError("\(name) is not a string") }
        return value
    }

    /// The open sessions, from `ListSessions`.
    func listSessions() async throws -> [String] {
        let reply = try await connection.call(
            destination: GatewayHarness.name, path: try DBusObjectPath(GatewayHarness.manager),
            interface: GatewayHarness.managerInterface, member: "ListSessions")
        guard case .array(_, let paths)? = reply.first else { throw TestBusError("ListSessions replied \(reply)") }
        return paths.compactMap { value in
            if case .objectPath(let path) = value { return path.rawValue }
            return nil
        }
    }
}
