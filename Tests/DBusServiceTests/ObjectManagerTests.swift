import BusTestSupport
import DBusService
import IntrospectionXML
import Foundation
import Testing

@Suite("org.freedesktop.DBus.ObjectManager")
struct ObjectManagerTests {
    @Test("GetManagedObjects lists children; export/unexport emit InterfacesAdded/Removed")
    func managedObjects() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            try await service.connection.addObjectManager(at: service.path)
            let monitor = try await bus.startMonitor(["type='signal',interface='org.freedesktop.DBus.ObjectManager'"])
            let state = TestServiceState()
            let first = try service.path.appending("session").appending("1")
            let second = try service.path.appending("session").appending("2")
            try await service.connection.export(ExportedObject(path: first, interfaces: [try makeTestInterface(state)]))
            try await service.connection.export(ExportedObject(path: second, interfaces: [try makeTestInterface(state)]))

            let reply = try await bus.busctlJSON(
                "call", TestService.busName, service.path.rawValue, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")
            let objects = try #require(((reply as? [String: Any])?["data"] as? [Any])?.first as? [String: Any])
            #expect(Set(objects.keys) == [first.rawValue, second.rawValue])
            let properties = (objects[first.rawValue] as? [String: Any])?[testInterfaceName] as? [String: Any]
            #expect((properties?["Version"] as? [String: Any])?["data"] as? String == "1.2.3")

            #expect(await service.connection.unexport(first))
            #expect(await !service.connection.unexport(first))
            let seen = await eventually { monitor.stdout.contains("member=InterfacesRemoved") }
            let output = await monitor.stop().stdout
            #expect(seen, "\(output)")
            let added = output.components(separatedBy: "member=InterfacesAdded").count - 1
            #expect(added == 2)
            #expect(output.contains("object path \"\(first.rawValue)\""))
            #expect(output.contains("string \"1.2.3\""), "InterfacesAdded carries the property values")
            let removed = try #require(output.components(separatedBy: "member=InterfacesRemoved").last)
            #expect(removed.contains(first.rawValue) && removed.contains("string \"\(testInterfaceName)\""))

            let after = try await service.connection.call(
                destination: TestService.busName, path: service.path, interface: "org.freedesktop.DBus.ObjectManager",
                member: "GetManagedObjects")
            let remaining = after.first?.as([DBusObjectPath: [String: [String: DBusValue]]].self)
            #expect(remaining.map { Set($0.keys) } == [second])
            await service.connection.close()
        }
    }

    @Test("export rejects incomplete objects and occupied paths")
    func exportValidation() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let description = try InterfaceDescription.parse(xml: testInterfaceXML, interface: testInterfaceName)
            await #expect(throws: DBusExportError.self) {
                try await service.connection.export(ExportedObject(path: try DBusObjectPath("/x"), interfaces: [ExportedInterface(description)]))
            }
            await #expect(throws: DBusExportError.self) {
                try await service.connection.export(
                    ExportedObject(path: service.path, interfaces: [try makeTestInterface(TestServiceState())]))
            }
            await service.connection.close()
        }
    }
}
