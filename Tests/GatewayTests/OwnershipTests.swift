import BusTestSupport
import DBusService
import Foundation
import Gateway
import Testing

@Suite("Ownership: access control, owners leaving, detached sessions, no leaks")
struct OwnershipTests {
    typealias G = GatewayHarness

    @Test("another client gets AccessDenied on every control call but can read every property")
    func accessDenied() async throws {
        try await G.with { gateway in
            let owner = try await OwnClient.connect(gateway)
            let path = try await owner.startSession()
            let calls: [(String, [String])] = [
                ("SendText", ["'hello'"]), ("Interrupt", []), ("Close", []),
                ("SendToolResponse", ["'function-call-1'", "'{}'", "@a{sv} {}"]),
            ]
            for (method, arguments) in calls {
                let result = try await gateway.bus.gdbusCall(
                    dest: G.name, path: path, method: "\(G.sessionInterface).\(method)", arguments)
                let error = try #require(GDBusError(result), "\(method): \(result)")
                #expect(error.name == "io.github.geminilive.Gateway1.Error.AccessDenied", "\(method)")
                #expect(error.message.contains("Only the session's owner (\(owner.uniqueName)) may call \(method)"), "\(error.message)")
            }
            for property in ["State", "Model", "Owner", "Turn", "Usage", "LastError", "InputNode", "OutputNode"] {
                let value = try await gateway.property(path, G.sessionInterface, property)
                #expect(!value.type.isEmpty, "\(property)")
            }
            #expect(try await gateway.sessionString(path, "Owner") == owner.uniqueName)
            #expect(try await gateway.sessionString(path, "State") == "active")
            try await owner.call(path, "SendText", [.string("the owner may")])
            try await owner.call(path, "Close")
            await owner.close()
        }
    }

    @Test("a gdbus client that started a session exits: the session closes, is freed and InterfacesRemoved is seen")
    func ownerProcessExits() async throws {
        try await G.with { gateway in
            let monitor = try await gateway.monitorSignals()
            let result = try await gateway.gdbus(G.manager, G.managerInterface, "StartSession", "@a{sv} {}")
            #expect(result.status == 0, "\(result.stderr)")
            let path = try #require(result.stdout.split(separator: "'").dropFirst().first.map(String.init), "\(result.stdout)")
            let removed = await eventually { monitor.stdout.contains("member=InterfacesRemoved") }
            let log = MonitorLog(await monitor.stop().stdout)
            #expect(removed)
            #expect(log.signals("org.freedesktop.DBus.ObjectManager", "InterfacesRemoved").first?.lines.first == "object path \"\(path)\"")
            let closed = try #require(log.signals(G.sessionInterface, "Closed", path: path).first)
            #expect(closed.values("string").last?.contains("owner left the bus") == true)
            #expect(try await gateway.listSessions().isEmpty)
            let gone = try await gateway.bus.busctl("get-property", G.name, path, G.sessionInterface, "State")
            #expect(gone.status != 0)
            // The freed path answers NotFound saying the owner left (ClosedSessionLog), not a bare "no object".
            #expect(gone.stderr.contains("was closed at") && gone.stderr.contains("left the bus"), "\(gone.stderr)")
        }
    }

    @Test("closing our own owner connection closes its sessions; the gateway's match rules go back to the baseline")
    func ownerConnectionCloses() async throws {
        try await G.with { gateway in
            let baseline = try await matchRules(of: gateway)
            for _ in 0..<3 {
                let owner = try await OwnClient.connect(gateway)
                let first = try await owner.startSession()
                let second = try await owner.startSession(["handle_token": .string("second")])
                #expect(Set(try await gateway.listSessions()) == [first, second])
                #expect(try await matchRules(of: gateway) > baseline, "a name watch per owner-bound session")
                await owner.close()
                let freed = await eventually { (try? await gateway.listSessions())?.isEmpty == true }
                #expect(freed)
            }
            let settled = await eventually { (try? await matchRules(of: gateway)) == baseline }
            let rules = try await matchRules(of: gateway)
            #expect(settled, "name watches cancelled: \(rules) rules, baseline \(baseline)")
            let objects = try await gateway.bus.busctl("--json=short", "call", G.name, G.manager, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")
            #expect(objects.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == #"{"type":"a{oa{sa{sv}}}","data":[{}]}"#)
        }
    }

    @Test("a detached session survives its caller and obeys other connections of the same user")
    func detached() async throws {
        try await G.with { gateway in
            let path = try await gateway.startSession(["1", "detached", "b", "true"])
            try await gateway.call(path, G.sessionInterface, "SendText", "s", "still here?")
            let turned = await eventually { (try? await gateway.property(path, G.sessionInterface, "Turn").data).flatMap(number) == 1 }
            #expect(turned)
            #expect(try await gateway.sessionString(path, "State") == "active")
            let other = try await OwnClient.connect(gateway)
            try await other.call(path, "Interrupt")
            await other.close()
            #expect(try await gateway.sessionString(path, "State") == "active", "the session outlives every caller")
            try await gateway.call(path, G.sessionInterface, "Close")
            let freed = await eventually { (try? await gateway.listSessions())?.isEmpty == true }
            #expect(freed)
        }
    }

    @Test("a detached session closes after idle_timeout seconds without a call")
    func idleTimeout() async throws {
        try await G.with { gateway in
            let monitor = try await gateway.monitorSignals()
            let path = try await gateway.startSession(["2", "detached", "b", "true", "idle_timeout", "u", "1"])
            let closed = await eventually(timeout: .seconds(30)) { monitor.stdout.contains("member=InterfacesRemoved") }
            let log = MonitorLog(await monitor.stop().stdout)
            #expect(closed)
            let signal = try #require(log.signals(G.sessionInterface, "Closed", path: path).first)
            #expect(signal.values("string").last == "The detached session had no method call for 1 s (its idle_timeout); start a new one, or pass a longer \"idle_timeout\".")
            #expect(try await gateway.listSessions().isEmpty)
        }
    }
}

/// The gateway connection's match rules, from the bus' `Debug.Stats` interface.
func matchRules(of gateway: GatewayHarness) async throws -> Int {
    let owner = try await gateway.bus.busctlJSON(
        "call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetNameOwner", "s", GatewayHarness.name)
    guard let unique = ((owner as? [String: Any])?["data"] as? [Any])?.first as? String else {
        throw TestBusError("GetNameOwner: \(owner)")
    }
    let stats = try await gateway.bus.busctlJSON(
        "call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.Debug.Stats", "GetConnectionStats", "s", unique)
    guard let entries = ((stats as? [String: Any])?["data"] as? [Any])?.first as? [String: Any],
        let rules = (entries["MatchRules"] as? [String: Any])?["data"].flatMap(number)
    else { throw TestBusError("GetConnectionStats: \(stats)") }
    return Int(rules)
}
