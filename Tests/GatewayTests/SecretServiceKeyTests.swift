import BusTestSupport
import DBusService
import Foundation
import Gateway
import LiveProtocol
import LiveSimulator
import Testing

/// The API key from a real Secret Service (gnome-keyring on a private bus, the item stored with `secret-tool`):
/// found by its attributes, below the environment and the key file in precedence, skipped with a reason when
/// absent or locked, never activated, never shown.
@Suite("The API key from the Secret Service", .enabled(if: KeyringFixture.isInstalled, "needs gnome-keyring and libsecret-tools"))
struct SecretServiceKeyTests {
    static func fakeKey() -> String { "AIzaFAKE-\(UUID().uuidString)" }

    static func source(_ bus: TestBus) -> SecretServiceKeySource {
        SecretServiceKeySource(address: .address(bus.address), callTimeout: .seconds(5))
    }

    /// An environment with nothing in it: no `GEMINI_API_KEY`, a HOME without a key file.
    static func emptyEnvironment(_ bus: TestBus) -> [String: String] {
        ["HOME": bus.directory.appendingPathComponent("empty-home").path]
    }

    @Test("the item stored with secret-tool is found by its attributes, and the key appears in no log line")
    func findsTheStoredKey() async throws {
        let key = Self.fakeKey()
        try await TestBus.with { bus in
            try await KeyringFixture.with(on: bus) { keyring in
                try await keyring.store("unrelated", attributes: ["application": "something-else", "type": "api-key"])
                try await keyring.store(key, attributes: SecretServiceKeySource.attributes)
                let logs = LogCapture()
                let lookup = await Self.source(bus).lookup(logger: logs.logger(label: "lookup"))
                guard case .found(let secret, let item) = lookup else {
                    Issue.record("expected the key, got \(lookup)")
                    return
                }
                #expect(secret.revealed == key)
                #expect(item.hasPrefix(KeyringFixture.collection + "/"), "\(item)")
                #expect(!"\(lookup)".contains(key))

                let loaded = try await APIKeySource.load(
                    environment: Self.emptyEnvironment(bus), keyFile: nil, secretService: Self.source(bus),
                    logger: logs.logger(label: "load"))
                #expect(loaded?.key.revealed == key)
                #expect(loaded?.origin == .secretService(item: item))
                let origin = loaded.map { "\($0.origin)" } ?? ""
                #expect(!origin.contains(key))
                #expect(!logs.text.contains(key), "the key is not logged")
            }
        }
    }

    @Test("GEMINI_API_KEY, then the key file, come before the Secret Service")
    func precedence() async throws {
        let stored = Self.fakeKey()
        let inEnvironment = Self.fakeKey()
        let inFile = Self.fakeKey()
        try await TestBus.with { bus in
            try await KeyringFixture.with(on: bus) { keyring in
                try await keyring.store(stored, attributes: SecretServiceKeySource.attributes)
                let logs = LogCapture()
                let file = bus.directory.appendingPathComponent("api-key").path
                #expect(FileManager.default.createFile(atPath: file, contents: Data(inFile.utf8), attributes: [.posixPermissions: 0o600]))

                var environment = Self.emptyEnvironment(bus)
                environment["GEMINI_API_KEY"] = inEnvironment
                let fromEnvironment = try await APIKeySource.load(
                    environment: environment, keyFile: file, secretService: Self.source(bus), logger: logs.logger(label: "k"))
                #expect(fromEnvironment?.key.revealed == inEnvironment)
                #expect(fromEnvironment?.origin == .environment)

                let fromFile = try await APIKeySource.load(
                    environment: Self.emptyEnvironment(bus), keyFile: file, secretService: Self.source(bus),
                    logger: logs.logger(label: "k"))
                #expect(fromFile?.key.revealed == inFile)
                #expect(fromFile?.origin == .keyFile(file))

                let fromService = try await APIKeySource.load(
                    environment: Self.emptyEnvironment(bus), keyFile: nil, secretService: Self.source(bus),
                    logger: logs.logger(label: "k"))
                #expect(fromService?.key.revealed == stored)

                let withoutService = try await APIKeySource.load(
                    environment: Self.emptyEnvironment(bus), keyFile: nil, secretService: nil, logger: logs.logger(label: "k"))
                #expect(withoutService == nil)
            }
        }
    }

    @Test("a bus without a Secret Service: no key, a reason, and none is started by activation")
    func noServiceOnTheBus() async throws {
        try await TestBus.with { bus in
            let logs = LogCapture()
            let lookup = await Self.source(bus).lookup(logger: logs.logger(label: "lookup"))
            guard case .absent(let reason) = lookup else {
                Issue.record("expected no key, got \(lookup)")
                return
            }
            #expect(reason.contains("no Secret Service"), "\(reason)")
            let loaded = try await APIKeySource.load(
                environment: Self.emptyEnvironment(bus), keyFile: nil, secretService: Self.source(bus),
                logger: logs.logger(label: "load"))
            #expect(loaded == nil)
            #expect(logs.text.contains("No API key from the Secret Service: no Secret Service"), "\(logs.text)")
            // The stock session configuration can activate gnome-keyring; the lookup must not have done so.
            let status = try await bus.busctl("status", SecretServiceKeySource.busName)
            #expect(status.status != 0, "the lookup started a Secret Service: \(status.stdout)")
        }
    }

    @Test("an unreachable bus: no key, a reason")
    func noBus() async throws {
        let source = SecretServiceKeySource(address: .address("unix:path=/nonexistent/gemini-live-test-bus"))
        let lookup = await source.lookup(logger: LogCapture().logger(label: "lookup"))
        guard case .absent(let reason) = lookup else {
            Issue.record("expected no key, got \(lookup)")
            return
        }
        #expect(reason.contains("no session bus"), "\(reason)")
    }

    @Test("a Secret Service without the item: no key, a reason naming the attributes")
    func noItem() async throws {
        try await TestBus.with { bus in
            try await KeyringFixture.with(on: bus) { keyring in
                try await keyring.store("other", attributes: ["application": "gemini-live-gateway", "type": "other"])
                let lookup = await Self.source(bus).lookup(logger: LogCapture().logger(label: "lookup"))
                guard case .absent(let reason) = lookup else {
                    Issue.record("expected no key, got \(lookup)")
                    return
                }
                #expect(reason.contains("no item with application=gemini-live-gateway type=api-key"), "\(reason)")
            }
        }
    }

    @Test("a locked keyring that needs a prompt: skipped with a reason, the prompt dismissed, the key not shown")
    func lockedKeyring() async throws {
        let key = Self.fakeKey()
        try await TestBus.with { bus in
            try await KeyringFixture.with(on: bus) { keyring in
                try await keyring.store(key, attributes: SecretServiceKeySource.attributes)
                try await keyring.lockLoginKeyring()
                let logs = LogCapture()
                let loaded = try await APIKeySource.load(
                    environment: Self.emptyEnvironment(bus), keyFile: nil, secretService: Self.source(bus),
                    logger: logs.logger(label: "load"))
                #expect(loaded == nil)
                #expect(logs.text.contains("is locked and unlocking it needs a prompt"), "\(logs.text)")
                #expect(!logs.text.contains(key))
            }
        }
    }

    @Test("the daemon takes the key from the Secret Service: StartSession reaches a simulator that demands it")
    func daemonUsesTheSecretService() async throws {
        let key = Self.fakeKey()
        let simulator = LiveSimulator(configuration: SimulatorConfiguration(apiKey: Secret(key), pacing: .immediate))
        try await simulator.withRunning { address in
            try await TestBus.with { bus in
                try await KeyringFixture.with(on: bus) { keyring in
                    try await keyring.store(key, attributes: SecretServiceKeySource.attributes)
                    let daemon = try await Daemon.start(["--endpoint", address.baseURL, "--no-audio"], bus: bus)
                    let started = try await ClientTool.run(
                        ["busctl", "--address=\(bus.address)", "--json=short", "call", GatewayHarness.name,
                         GatewayHarness.manager, GatewayHarness.managerInterface, "StartSession", "a{sv}", "0"],
                        bus: bus)
                    let stopped = await daemon.terminate()
                    #expect(started.status == 0, "the key did not reach the simulator: \(started.stderr)")
                    let stderr = stopped?.stderr ?? ""
                    #expect(stderr.contains("API key from the Secret Service item \(KeyringFixture.collection)/"), "\(stderr)")
                    #expect(!stderr.contains(key), "the key is not in the daemon's log")
                    #expect(!started.stdout.contains(key) && !started.stderr.contains(key))
                }
            }
        }
    }
}
