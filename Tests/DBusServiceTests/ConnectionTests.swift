import BusTestSupport
import DBusService
import Foundation
import Synchronization
import Testing

@Suite("Connection, names and peers")
struct ConnectionTests {
    @Test("a name already owned by another connection is a clear typed error with owner and pid")
    func nameConflict() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let list = try await bus.busctl("list")
            #expect(list.stdout.contains(TestService.busName))

            let second = try await TestService.client(on: bus)
            let error = await #expect(throws: DBusNameOwnedError.self) { try await second.requestName(TestService.busName) }
            #expect(error?.owner == service.connection.uniqueName)
            #expect(error?.ownerProcessID == UInt32(getpid()))
            #expect(error?.description.contains("\(TestService.busName) is already owned by \(service.connection.uniqueName) (pid \(getpid()))") == true)
            try await service.connection.requestName(TestService.busName)

            try await service.connection.releaseName(TestService.busName)
            try await second.requestName(TestService.busName)
            await #expect(throws: DBusError.self) { try await second.requestName("not a name") }
            await second.close()
            await service.connection.close()
        }
    }

    @Test("credentials report the caller's pid and uid")
    func credentials() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let client = try await TestService.client(on: bus)
            let credentials = try await service.connection.credentials(of: client.uniqueName)
            #expect(credentials == DBusCredentials(processID: UInt32(getpid()), userID: getuid()))
            let gone = await #expect(throws: DBusError.self) { try await service.connection.credentials(of: ":1.9999") }
            #expect(gone?.name == .nameHasNoOwner)
            await client.close()
            await service.connection.close()
        }
    }

    @Test("the name watch fires when a calling client process is killed")
    func watchExternalClient() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let client = try ClientTool.start(
                ["gdbus", "call", "--address", bus.address, "--dest", TestService.busName, "--object-path",
                 service.path.rawValue, "--method", "\(testInterfaceName).Wait", "session"], bus: bus)
            let parked = await eventually { service.state.waitingCallers.withLock { !$0.isEmpty } }
            try #require(parked)
            let caller = try #require(service.state.waitingCallers.withLock { $0.first })
            let watch = try await service.connection.watchNameOwner(caller)

            _ = await client.stop()
            let change = await next(watch.changes)
            #expect(change == NameOwnerChange(name: caller, oldOwner: caller, newOwner: nil))
            #expect(await next(watch.changes, timeout: .seconds(5)) == nil, "a vanished unique name ends the stream")
            service.state.release()
            await service.connection.close()
        }
    }

    @Test("the name watch fires for our own second connection, and at once for a name already gone")
    func watchOwnConnection() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let client = try await TestService.client(on: bus)
            let name = client.uniqueName
            let watch = try await service.connection.watchNameOwner(name)
            await client.close()
            #expect(await next(watch.changes)?.vanished == true)

            let again = try await service.connection.watchNameOwner(name)
            #expect(await next(again.changes) == NameOwnerChange(name: name, oldOwner: nil, newOwner: nil))

            let wellKnown = try await service.connection.watchNameOwner("io.github.geminilive.Other")
            let other = try await TestService.client(on: bus)
            try await other.requestName("io.github.geminilive.Other")
            let first = await next(wellKnown.changes)
            #expect(first?.vanished == true, "the name had no owner when the watch started")
            #expect(await next(wellKnown.changes) == NameOwnerChange(
                name: "io.github.geminilive.Other", oldOwner: nil, newOwner: other.uniqueName))
            wellKnown.cancel()
            await other.close()
            await service.connection.close()
        }
    }

    @Test("killing the bus daemon does not end the process; the disconnect is reported")
    func busDies() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let watch = try await service.connection.watchNameOwner(":1.4242")
            _ = await next(watch.changes)

            kill(bus.pid, SIGKILL)
            let reason = await withTimeout { await service.connection.waitUntilDisconnected() }
            #expect(reason == .lost)
            let error = await #expect(throws: DBusError.self) {
                try await service.connection.call(
                    destination: TestService.busName, path: service.path, interface: testInterfaceName, member: "Release")
            }
            #expect(error?.name == .disconnected)
            await #expect(throws: DBusError.self) {
                try await service.connection.emitSignal(
                    path: service.path, interface: testInterfaceName, member: "Text", arguments: [.string("x"), .uint32(0)])
            }
            await service.connection.close()
            #expect(await service.connection.waitUntilDisconnected() == .lost)
        }
    }

    @Test("close ends the connection: waiters learn why, later calls fail, pending calls are answered")
    func closeConnection() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let client = try await TestService.client(on: bus)
            let pending = Task {
                try await client.call(
                    destination: TestService.busName, path: service.path, interface: testInterfaceName, member: "Wait",
                    arguments: [.string("never")])
            }
            let parked = await eventually { service.state.waiting.withLock { !$0.isEmpty } }
            #expect(parked)
            await client.close()
            let outcome = await withTimeout { await pending.result.mapError { ($0 as? DBusError) ?? DBusError.failed("\($0)") } }
            guard case .failure(let error)? = outcome else {
                Issue.record("the pending call was not failed: \(String(describing: outcome))")
                return
            }
            #expect(error.name == .disconnected)
            #expect(await client.waitUntilDisconnected() == .closed)
            await #expect(throws: DBusError.self) { try await client.watchNameOwner(":1.1") }
            service.state.release()
            await service.connection.close()
        }
    }

    @Test("connecting to a bus that does not exist is a DBusError, not a crash")
    func connectFailure() async {
        let error = await #expect(throws: DBusError.self) {
            try await DBusConnection.connect(.init(address: .address("unix:path=/nonexistent/dbusservice-test/bus")))
        }
        #expect(error?.message.contains("/nonexistent/dbusservice-test/bus") == true)
    }
}
