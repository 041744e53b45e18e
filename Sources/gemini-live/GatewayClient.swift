import DBusService
import Foundation

/// The gateway as a D-Bus client sees it: its names, its manager's methods and its sessions' methods and
/// properties. Every failure becomes a ``CLIFailure`` naming the D-Bus error.
struct GatewayClient: Sendable {
    static let busName = "io.github.geminilive.Gateway1"
    static let managerPath = "/io/github/geminilive/Gateway1"
    static let managerInterface = "io.github.geminilive.Gateway1"
    static let sessionInterface = "io.github.geminilive.Gateway1.Session"
    static let sessionPathPrefix = "/io/github/geminilive/Gateway1/session/"

    let connection: DBusConnection
    let timeout: Duration

    /// Connects to the session bus, or to `address`.
    static func connect(address: String?, timeout: Duration) async throws -> GatewayClient {
        do {
            let connection = try await DBusConnection.connect(
                .init(address: address.map(DBusConnection.Address.address) ?? .session, callTimeout: timeout))
            return GatewayClient(connection: connection, timeout: timeout)
        } catch {
            throw CLIFailure(error, doing: "Connecting to \(address ?? "the session bus")")
        }
    }

    // MARK: Calls

    /// Calls a gateway method; a D-Bus error becomes a ``CLIFailure`` describing `action`.
    func call(
        _ path: String, _ interface: String, _ member: String, _ arguments: [DBusValue] = [], action: String
    ) async throws -> [DBusValue] {
        let objectPath = try Self.objectPath(path)
        do {
            return try await connection.call(
                destination: Self.busName, path: objectPath, interface: interface, member: member,
                arguments: arguments, timeout: timeout)
        } catch {
            throw CLIFailure(error, doing: action)
        }
    }

    /// Calls a gateway method, returning the raw D-Bus error instead of a ``CLIFailure``.
    func callRaw(
        _ path: String, _ interface: String, _ member: String, _ arguments: [DBusValue] = []
    ) async throws(DBusError) -> [DBusValue] {
        try await connection.call(
            destination: Self.busName, path: try DBusObjectPath(path), interface: interface, member: member,
            arguments: arguments, timeout: timeout)
    }

    /// Reads one property.
    func property(_ path: String, _ interface: String, _ name: String) async throws(DBusError) -> DBusValue {
        let reply = try await callRaw(
            path, "org.freedesktop.DBus.Properties", "Get", [.string(interface), .string(name)])
        guard let value = reply.first else { throw .failed("Get \(name) returned nothing") }
        return value.unwrappingVariant
    }

    /// Writes one property (`org.freedesktop.DBus.Properties.Set`); a D-Bus error becomes a ``CLIFailure``.
    func setProperty(_ path: String, _ interface: String, _ name: String, _ value: DBusValue, action: String) async throws {
        _ = try await call(
            path, "org.freedesktop.DBus.Properties", "Set", [.string(interface), .string(name), .variant(value)], action: action)
    }

    /// Reads every property of an interface.
    func properties(_ path: String, _ interface: String) async throws(DBusError) -> [String: DBusValue] {
        Self.stringKeyed(try await callRaw(path, "org.freedesktop.DBus.Properties", "GetAll", [.string(interface)]).first)
    }

    /// The entries of an `a{sv}` value by name, variants unwrapped (empty for any other value).
    static func stringKeyed(_ value: DBusValue?) -> [String: DBusValue] {
        guard case .dictionary(_, _, let entries)? = value else { return [:] }
        var result: [String: DBusValue] = [:]
        for (key, value) in entries {
            if case .string(let name) = key { result[name] = value.unwrappingVariant }
        }
        return result
    }

    /// The open sessions, oldest first.
    func listSessions() async throws -> [String] {
        let reply = try await call(Self.managerPath, Self.managerInterface, "ListSessions", action: "ListSessions")
        guard case .array(_, let paths)? = reply.first else { throw CLIFailure("ListSessions returned \(reply)") }
        return paths.compactMap { value in
            if case .objectPath(let path) = value { return path.rawValue }
            return nil
        }
    }

    /// The session a command acts on: `explicit` (a path or a bare id), else the only or most recent one.
    func resolveSession(_ explicit: String?) async throws -> String {
        if let explicit {
            let path = explicit.hasPrefix("/") ? explicit : Self.sessionPathPrefix + explicit
            _ = try Self.objectPath(path)
            return path
        }
        let sessions = try await listSessions()
        guard let newest = sessions.last else {
            throw CLIFailure("No session is open. Start one with `gemini-live start`, or name one with --session PATH.")
        }
        return newest
    }

    static func objectPath(_ text: String) throws -> DBusObjectPath {
        do {
            return try DBusObjectPath(text)
        } catch {
            throw CLIFailure("\"\(text)\" is not a D-Bus object path, e.g. \(sessionPathPrefix)1")
        }
    }

    /// Closes the connection.
    func close() async {
        await connection.close()
    }
}

extension DBusValue {
    /// A plain JSON-friendly rendering of a property value.
    var plain: JSONValueText {
        switch self {
        case .boolean(let v): .bool(v)
        case .byte(let v): .number(Double(v))
        case .int16(let v): .number(Double(v))
        case .uint16(let v): .number(Double(v))
        case .int32(let v): .number(Double(v))
        case .uint32(let v): .number(Double(v))
        case .int64(let v): .number(Double(v))
        case .uint64(let v): .number(Double(v))
        case .double(let v): .number(v)
        case .string(let v): .string(v)
        case .objectPath(let v): .string(v.rawValue)
        case .signature(let v): .string(v.text)
        case .variant(let v): v.plain
        case .array(_, let values): .array(values.map(\.plain))
        case .structure(let values): .array(values.map(\.plain))
        case .dictionary(_, _, let entries):
            .object(Dictionary(uniqueKeysWithValues: entries.map { key, value in
                (key.plain.text, value.plain)
            }))
        }
    }
}

/// A JSON value for `--json` output of D-Bus data.
indirect enum JSONValueText: Encodable, Sendable, Equatable {
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValueText])
    case object([String: JSONValueText])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .bool(let v): try container.encode(v)
        case .number(let v):
            if v.rounded() == v, abs(v) < 9_007_199_254_740_992 { try container.encode(Int64(v)) } else { try container.encode(v) }
        case .string(let v): try container.encode(v)
        case .array(let v): try container.encode(v)
        case .object(let v): try container.encode(v)
        }
    }

    /// The value as text for the human-readable output.
    var text: String {
        switch self {
        case .bool(let v): "\(v)"
        case .number(let v): v.rounded() == v && abs(v) < 1e15 ? "\(Int64(v))" : "\(v)"
        case .string(let v): v
        case .array(let v): v.map(\.text).joined(separator: ", ")
        case .object(let v): v.keys.sorted().map { "\($0)=\(v[$0]?.text ?? "")" }.joined(separator: " ")
        }
    }
}
