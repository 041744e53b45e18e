import BusTestSupport
import DBusService
import Foundation
import Testing

@Suite("Signals")
struct SignalTests {
    @Test("signals reach a real monitor in order and are checked against their declaration")
    func emitInOrder() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let monitor = try await bus.startMonitor(["type='signal',interface='\(testInterfaceName)'"])
            let words = ["one", "two", "three", "four", "five"]
            for (index, word) in words.enumerated() {
                try await service.connection.emitSignal(
                    path: service.path, interface: testInterfaceName, member: "Text",
                    arguments: [.string(word), .uint32(UInt32(index))])
            }
            let seen = await eventually { monitor.stdout.contains("string \"five\"") }
            let output = await monitor.stop().stdout
            #expect(seen, "\(output)")
            let positions = words.compactMap { output.range(of: "string \"\($0)\"")?.lowerBound }
            #expect(positions.count == words.count)
            #expect(positions == positions.sorted())
            #expect(output.contains("member=Text"))

            let wrong = await #expect(throws: DBusError.self) {
                try await service.connection.emitSignal(
                    path: service.path, interface: testInterfaceName, member: "Text", arguments: [.string("no index")])
            }
            #expect(wrong?.message.contains("\"su\"") == true)
            await #expect(throws: DBusError.self) {
                try await service.connection.emitSignal(path: service.path, interface: testInterfaceName, member: "Undeclared")
            }
            await service.connection.close()
        }
    }
}
