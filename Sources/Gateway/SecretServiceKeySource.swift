import DBusService
import Foundation
import LiveProtocol
import Logging

/// The API key as an item of the freedesktop Secret Service (`org.freedesktop.secrets` on the session bus: GNOME
/// Keyring, KeePassXC, KWallet), found by the attributes ``attributes``.
///
/// Store one with `secret-tool store --label='Gemini API key' application gemini-live-gateway type api-key`.
/// The lookup uses only a Secret Service that is already running (it never starts one by D-Bus activation), never
/// shows a prompt, and bounds every call by ``callTimeout``. Whatever goes wrong, the answer is
/// ``Lookup/absent(_:)`` with a reason that never contains the key: the Secret Service is an optional source.
public struct SecretServiceKeySource: Sendable {
    /// The attributes of the key's item.
    public static let attributes: [String: String] = ["application": "gemini-live-gateway", "type": "api-key"]
    /// The Secret Service's well-known bus name.
    public static let busName = "org.freedesktop.secrets"

    /// The bus to look on (the session bus unless a test says otherwise).
    public var address: DBusConnection.Address
    /// The limit on each D-Bus call of a lookup.
    public var callTimeout: Duration

    /// A source on `address`, each call limited to `callTimeout`.
    public init(address: DBusConnection.Address = .session, callTimeout: Duration = .seconds(5)) {
        self.address = address
        self.callTimeout = callTimeout
    }

    /// What a lookup found.
    public enum Lookup: Sendable, CustomStringConvertible {
        /// The key, and the object path of the item that holds it.
        case found(Secret, item: String)
        /// No usable key, and why (for the log; never contains a secret).
        case absent(String)

        /// `found in ITEM` or `absent: REASON`; never the key.
        public var description: String {
            switch self {
            case .found(_, let item): "found in \(item)"
            case .absent(let reason): "absent: \(reason)"
            }
        }
    }

    /// Looks the key up: `SearchItems`, `Unlock` when the item is locked (giving up when that needs a prompt),
    /// `OpenSession("plain")`, `GetSecrets`, then closes the session.
    public func lookup(logger: Logger) async -> Lookup {
        let connection: DBusConnection
        do {
            connection = try await DBusConnection.connect(
                DBusConnection.Configuration(address: address, callTimeout: callTimeout), logger: logger)
        } catch {
            return .absent("no session bus to ask (\(error.name.rawValue))")
        }
        let client = SecretServiceClient(connection: connection, timeout: callTimeout)
        let lookup: Lookup
        do {
            lookup = try await client.findKey()
        } catch {
            lookup = .absent("the Secret Service failed: \(error)")
        }
        await connection.close()
        return lookup
    }
}

/// The calls of one lookup, on one connection.
struct SecretServiceClient {
    let connection: DBusConnection
    let timeout: Duration

    static let servicePath = "/org/freedesktop/secrets"
    static let serviceInterface = "org.freedesktop.Secret.Service"
    static let noPrompt = "/"

    func findKey() async throws(DBusError) -> SecretServiceKeySource.Lookup {
        guard try await serviceIsRunning() else {
            return .absent("no Secret Service (\(SecretServiceKeySource.busName)) is running on the session bus")
        }
        let attributes = SecretServiceKeySource.attributes.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let found = try await callService(
            "SearchItems", [DBusValue(SecretServiceKeySource.attributes)], expecting: "aoao")
        var unlocked = objectPaths(found[0])
        let locked = objectPaths(found[1])
        if unlocked.isEmpty && !locked.isEmpty {
            let reply = try await callService("Unlock", [DBusValue(locked)], expecting: "aoo")
            unlocked = objectPaths(reply[0])
            if unlocked.isEmpty {
                if case .objectPath(let prompt) = reply[1], prompt.rawValue != Self.noPrompt { await dismiss(prompt) }
                return .absent(
                    "the item with \(attributes) is locked and unlocking it needs a prompt; unlock the keyring (log in to the desktop, or seahorse) and start the gateway again")
            }
        }
        guard let item = unlocked.first else { return .absent("the Secret Service holds no item with \(attributes)") }
        let opened = try await callService("OpenSession", [.string("plain"), .variant(.string(""))], expecting: "vo")
        guard case .objectPath(let session) = opened[1] else { throw DBusError.failed("OpenSession returned no session") }
        let secrets: [DBusValue]
        do {
            secrets = try await callService("GetSecrets", [DBusValue([item]), .objectPath(session)], expecting: "a{o(oayays)}")
        } catch {
            await close(session)
            throw error
        }
        await close(session)
        guard case .dictionary(_, _, let entries) = secrets[0],
            case .structure(let fields)? = entries[.objectPath(item)], fields.count == 4,
            case .array(_, let bytes) = fields[2]
        else { return .absent("GetSecrets returned no secret for \(item.rawValue)") }
        let raw = bytes.compactMap { value -> UInt8? in if case .byte(let byte) = value { byte } else { nil } }
        guard let text = String(validating: raw, as: UTF8.self) else {
            return .absent("the secret of \(item.rawValue) is not UTF-8 text")
        }
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty else { return .absent("the secret of \(item.rawValue) is empty") }
        return .found(Secret(key), item: item.rawValue)
    }

    /// Whether the Secret Service's name has an owner (asking it directly would start one by activation).
    private func serviceIsRunning() async throws(DBusError) -> Bool {
        let reply = try await connection.call(
            destination: "org.freedesktop.DBus", path: DBusObjectPath("/org/freedesktop/DBus"),
            interface: "org.freedesktop.DBus", member: "NameHasOwner", arguments: [.string(SecretServiceKeySource.busName)],
            timeout: timeout)
        return reply.first == .boolean(true)
    }

    /// Calls a method of the service object and checks the reply's signature (the values are not shown: one of
    /// them may be the secret).
    private func callService(_ member: String, _ arguments: [DBusValue], expecting signature: String)
        async throws(DBusError) -> [DBusValue]
    {
        let reply = try await connection.call(
            destination: SecretServiceKeySource.busName, path: DBusObjectPath(Self.servicePath), interface: Self.serviceInterface,
            member: member, arguments: arguments, timeout: timeout)
        let actual = DBusValue.signature(of: reply).text
        guard actual == signature else {
            throw DBusError.failed("\(member) replied with signature \"\(actual)\", expected \"\(signature)\"")
        }
        return reply
    }

    private func objectPaths(_ value: DBusValue) -> [DBusObjectPath] {
        guard case .array(_, let values) = value else { return [] }
        return values.compactMap { if case .objectPath(let path) = $0 { path } else { nil } }
    }

    /// Dismisses a prompt the lookup will not show.
    private func dismiss(_ prompt: DBusObjectPath) async {
        _ = try? await connection.call(
            destination: SecretServiceKeySource.busName, path: prompt, interface: "org.freedesktop.Secret.Prompt",
            member: "Dismiss", timeout: timeout)
    }

    /// Closes the session the secret travelled in.
    private func close(_ session: DBusObjectPath) async {
        _ = try? await connection.call(
            destination: SecretServiceKeySource.busName, path: session, interface: "org.freedesktop.Secret.Session",
            member: "Close", timeout: timeout)
    }
}
