import BusTestSupport
import DBusService
import Gateway

/// A client connection of our own (libdbus through DBusService), used as a session owner that stays on the bus
/// until the test closes it.
struct OwnClient: Sendable {
    let connection: DBusConnection

    var uniqueName: String { connection.uniqueName }

    static func connect(_ gateway: GatewayHarness) async throws -> OwnClient {
        OwnClient(connection: try await DBusConnection.connect(.init(address: .address(gateway.bus.address))))
    }

    /// Calls StartSession and returns the session's path.
    func startSession(_ options: [String: DBusValue] = [:]) async throws -> String {
        let reply = try await connection.call(
            destination: GatewayHarness.name, path: try DBusObjectPath(GatewayHarness.manager),
            interface: GatewayHarness.managerInterface, member: "StartSession", arguments: [options.dbusValue])
        guard case .objectPath(let path)? = reply.first else { throw TestBusError("StartSession replied \(reply)") }
        return path.rawValue
    }

    /// Calls a session method.
    @discardableResult
    func call(_ path: String, _ member: String, _ arguments: [DBusValue] = []) async throws(DBusError) -> [DBusValue] {
        try await connection.call(
            destination: GatewayHarness.name, path: try DBusObjectPath(path), interface: GatewayHarness.sessionInterface,
            member: member, arguments: arguments)
    }

    func close() async {
        await connection.close()
    }
}
