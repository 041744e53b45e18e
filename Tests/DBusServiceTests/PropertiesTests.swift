import BusTestSupport
import DBusService
import Foundation
import Synchronization
import Testing

@Suite("org.freedesktop.DBus.Properties")
struct PropertiesTests {
    @Test("Get, GetAll and Set work from busctl and are type-checked")
    func getSetGetAll() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let path = service.path.rawValue
            let get = try await bus.busctl("get-property", TestService.busName, path, testInterfaceName, "Version", "Volume")
            #expect(get.stdout == "s \"1.2.3\"\nd 0.5\n")

            let set = try await bus.busctl("set-property", TestService.busName, path, testInterfaceName, "Volume", "d", "0.75")
            #expect(set.status == 0, "\(set.stderr)")
            #expect(service.state.volume.withLock { $0 } == 0.75)

            let all = try await bus.busctlJSON("call", TestService.busName, path, "org.freedesktop.DBus.Properties", "GetAll", "s", testInterfaceName)
            let data = try #require(((all as? [String: Any])?["data"] as? [Any])?.first as? [String: Any])
            #expect(Set(data.keys) == ["Version", "Volume", "Serial", "Model"])
            #expect((data["Volume"] as? [String: Any])?["data"] as? Double == 0.75)

            let readOnly = try await bus.gdbusCall(
                dest: TestService.busName, path: path, method: "org.freedesktop.DBus.Properties.Set",
                testInterfaceName, "Version", "<'9'>")
            #expect(readOnly.stderr.contains("org.freedesktop.DBus.Error.PropertyReadOnly"))
            #expect(readOnly.stderr.contains("Version is read-only"))

            let wrongType = try await bus.gdbusCall(
                dest: TestService.busName, path: path, method: "org.freedesktop.DBus.Properties.Set",
                testInterfaceName, "Volume", "<'loud'>")
            #expect(wrongType.stderr.contains("org.freedesktop.DBus.Error.InvalidArgs"))
            #expect(wrongType.stderr.contains("has type d; received s"))

            let rejected = try await bus.busctl("set-property", TestService.busName, path, testInterfaceName, "Volume", "d", "7")
            #expect(rejected.stderr.contains("Volume must be between 0 and 1"))
            #expect(service.state.volume.withLock { $0 } == 0.75)

            let unknown = try await bus.gdbusCall(
                dest: TestService.busName, path: path, method: "org.freedesktop.DBus.Properties.Get", testInterfaceName, "Nope")
            #expect(unknown.stderr.contains("org.freedesktop.DBus.Error.UnknownProperty"))
            #expect(unknown.stderr.contains("it has: Version, Volume, Serial, Model"))

            let noInterface = try await bus.gdbusCall(
                dest: TestService.busName, path: path, method: "org.freedesktop.DBus.Properties.GetAll", "io.example.Nope")
            #expect(noInterface.stderr.contains("org.freedesktop.DBus.Error.UnknownInterface"))
            await service.connection.close()
        }
    }

    @Test("PropertiesChanged follows Set and emitPropertiesChanged, honouring EmitsChangedSignal")
    func propertiesChanged() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let monitor = try await bus.startMonitor(["type='signal',member='PropertiesChanged'"])
            let path = service.path.rawValue
            _ = try await bus.busctl("set-property", TestService.busName, path, testInterfaceName, "Volume", "d", "0.25")
            _ = try await bus.busctl("set-property", TestService.busName, path, testInterfaceName, "Serial", "t", "42")
            try await service.connection.emitPropertiesChanged(
                path: service.path, interface: testInterfaceName,
                changed: ["Model": .string("ignored-const"), "Volume": .double(0.125)])
            let seen = await eventually { monitor.stdout.components(separatedBy: "member=PropertiesChanged").count == 4 }
            let output = await monitor.stop().stdout
            #expect(seen, "\(output)")
            let signals = Array(output.components(separatedBy: "member=PropertiesChanged")[1...])
            #expect(signals.count == 3)
            if signals.count == 3 {
                #expect(signals[0].contains("string \"Volume\"") && signals[0].contains("double 0.25"))
                #expect(signals[1].contains("string \"Serial\"") && !signals[1].contains("uint64 42"), "invalidated, without value")
                #expect(signals[2].contains("double 0.125") && !signals[2].contains("ignored-const"))
            }
            await #expect(throws: DBusError.self) {
                try await service.connection.emitPropertiesChanged(
                    path: service.path, interface: testInterfaceName, changed: ["Volume": .string("wrong")])
            }
            await service.connection.close()
        }
    }
}
