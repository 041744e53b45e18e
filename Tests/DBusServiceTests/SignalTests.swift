import BusTestSupport
import DBusService
import Foundation
import Synchronization
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

    @Test("queued signals leave in order, and a property read never overtakes the signal that announced its value")
    func queuedBeforeReplies() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let sender = service.connection.uniqueName
            let monitor = try await bus.startMonitor([
                "type='signal',interface='\(testInterfaceName)'", "type='method_return',sender='\(sender)'",
            ])
            let client = try await TestService.client(on: bus)
            let count = 200
            // The service changes Volume and queues the signal announcing it under one lock, as the
            // gateway's session actor does in one turn; the client reads Volume all the while.
            let producer = Task {
                for index in 1...count {
                    service.state.volume.withLock { volume in
                        volume = Double(index)
                        service.connection.queueSignal(
                            path: service.path, interface: testInterfaceName, member: "Text",
                            arguments: [.string("volume"), .uint32(UInt32(index))])
                    }
                    await Task.yield()
                }
            }
            var lastRead = 0.0
            while lastRead < Double(count) {
                let reply = try await client.call(
                    destination: TestService.busName, path: service.path, interface: "org.freedesktop.DBus.Properties",
                    member: "Get", arguments: [.string(testInterfaceName), .string("Volume")])
                lastRead = reply.first?.unwrappingVariant.as(Double.self) ?? 0
            }
            await producer.value
            let seen = await eventually { monitor.stdout.contains("uint32 \(count)") }
            let output = await monitor.stop().stdout
            #expect(seen)

            // In the bus's order: every Get answer shows a value whose signal came before it.
            var announced: [Int] = []
            var violations: [String] = []
            var reads = 0
            for line in output.split(separator: "\n") {
                let words = line.split(separator: " ", omittingEmptySubsequences: true)
                if words.first == "uint32", let index = words.last.flatMap({ Int($0) }) {
                    announced.append(index)
                } else if words.first == "variant", words.dropFirst().first == "double", let value = words.last.flatMap({ Double($0) }) {
                    reads += 1
                    if Int(value) > (announced.last ?? 0) { violations.append("read \(value) after signal \(announced.last ?? 0)") }
                }
            }
            #expect(announced == Array(1...count))
            #expect(reads > 0)
            #expect(violations.isEmpty, "\(violations.prefix(5))")

            let failure = Mutex<DBusError?>(nil)
            service.connection.queueSignal(path: service.path, interface: testInterfaceName, member: "Undeclared") { error in
                failure.withLock { $0 = error }
            }
            #expect(await eventually { failure.withLock { $0 } != nil })
            #expect(failure.withLock { $0?.message.contains("Undeclared") } == true)
            await client.close()
            await service.connection.close()
        }
    }
}
