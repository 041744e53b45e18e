import BusTestSupport
import Foundation

/// A real Secret Service on a test bus: `gnome-keyring-daemon --foreground --unlock --components=secrets`, its login
/// keyring created and unlocked with a throwaway password from stdin, its files in the bus' directory (a private
/// HOME and XDG_RUNTIME_DIR). Stopped by its pid; items are stored with the real `secret-tool`.
struct KeyringFixture: Sendable {
    let bus: TestBus
    let daemon: ClientTool
    let environment: [String: String]

    static let binary = "/usr/bin/gnome-keyring-daemon"
    static let collection = "/org/freedesktop/secrets/collection/login"

    /// Whether gnome-keyring and secret-tool are installed (`scripts/install-deps.sh` installs them).
    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: binary) && FileManager.default.isExecutableFile(atPath: "/usr/bin/secret-tool")
    }

    /// Runs `body` with a keyring daemon serving `org.freedesktop.secrets` on `bus`, then stops it.
    static func with<T>(on bus: TestBus, _ body: (KeyringFixture) async throws -> T) async throws -> T {
        let fixture = try await start(on: bus)
        do {
            let result = try await body(fixture)
            _ = await fixture.daemon.stop()
            return result
        } catch {
            _ = await fixture.daemon.stop()
            throw error
        }
    }

    private static func start(on bus: TestBus) async throws -> KeyringFixture {
        let root = bus.directory.appendingPathComponent("keyring")
        let home = root.appendingPathComponent("home")
        let runtime = root.appendingPathComponent("runtime")
        for directory in [home, runtime] {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let environment = [
            "PATH": "/usr/bin:/bin", "HOME": home.path, "XDG_RUNTIME_DIR": runtime.path,
            "XDG_DATA_HOME": "\(home.path)/.local/share", "XDG_CONFIG_HOME": "\(home.path)/.config",
            "DBUS_SESSION_BUS_ADDRESS": bus.address,
        ]
        // `exec` keeps the daemon at the pid ClientTool knows; the here-document is the login keyring's password.
        let daemon = try ClientTool.start(
            ["sh", "-c", "exec \(binary) --foreground --unlock --components=secrets <<END\nthrowaway-password\nEND\n"],
            bus: bus, environment: environment)
        let fixture = KeyringFixture(bus: bus, daemon: daemon, environment: environment)
        let serving = await eventually { (try? await bus.busctl("status", "org.freedesktop.secrets"))?.status == 0 }
        guard serving else {
            let result = await daemon.stop()
            throw TestBusError("gnome-keyring-daemon did not take org.freedesktop.secrets: \(result.stderr)")
        }
        return fixture
    }

    /// Stores `secret` with `secret-tool store --label=LABEL attribute value …`. The secret travels in the
    /// environment to the shell's `printf` builtin and through a pipe: never in an argument list.
    func store(_ secret: String, attributes: [String: String], label: String = "Gemini API key") async throws {
        let pairs = attributes.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }
        let command = "printf '%s' \"$FIXTURE_SECRET\" | secret-tool store --label=\"$FIXTURE_LABEL\" \"$@\""
        var environment = self.environment
        environment["FIXTURE_SECRET"] = secret
        environment["FIXTURE_LABEL"] = label
        let result = try await ClientTool.run(["sh", "-c", command, "store"] + pairs, bus: bus, environment: environment)
        guard result.status == 0 else { throw TestBusError("secret-tool store failed: \(result.stderr)") }
    }

    /// Locks the login keyring (`org.freedesktop.Secret.Service.Lock`, which gnome-keyring does without a prompt).
    func lockLoginKeyring() async throws {
        let result = try await bus.busctl(
            "call", "org.freedesktop.secrets", "/org/freedesktop/secrets", "org.freedesktop.Secret.Service", "Lock",
            "ao", "1", Self.collection)
        guard result.status == 0, result.stdout.contains(Self.collection) else {
            throw TestBusError("Lock failed: \(result.stdout) \(result.stderr)")
        }
    }
}
