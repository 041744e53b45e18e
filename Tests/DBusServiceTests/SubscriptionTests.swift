import BusTestSupport
import DBusService
import Foundation
import Testing

@Suite("Signal subscriptions")
struct SubscriptionTests {
    /// Collects `count` signals from a subscription, or fewer on timeout.
    private func collect(_ subscription: SignalSubscription, count: Int) async -> [DBusSignal] {
        let stream = subscription.signals
        return await withTimeout {
            var received: [DBusSignal] = []
            for await signal in stream {
                received.append(signal)
                if received.count == count { break }
            }
            return received
        } ?? []
    }

    @Test("a subscriber receives a service's signals in order, with sender, path, member and arguments")
    func receivesInOrder() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let client = try await DBusConnection.connect(.init(address: .address(bus.address)))
            let subscription = try await client.subscribe(
                to: DBusMatchRule(sender: TestService.busName, path: service.path, interface: testInterfaceName))
            #expect(subscription.rule.description.contains("sender='\(TestService.busName)'"))
            for index in 0..<50 {
                try await service.connection.emitSignal(
                    path: service.path, interface: testInterfaceName, member: "Text",
                    arguments: [.string("word \(index)"), .uint32(UInt32(index))])
            }
            let received = await collect(subscription, count: 50)
            #expect(received.count == 50)
            #expect(received.map { $0.arguments[1] } == (0..<50).map { DBusValue.uint32(UInt32($0)) })
            #expect(received.first?.sender == service.connection.uniqueName)
            #expect(received.first?.path == service.path)
            #expect(received.first?.member == "Text")
            await client.close()
            await service.connection.close()
        }
    }

    @Test("two subscriptions on one connection each see only their own path; a cancelled one ends and stops")
    func separateSubscriptions() async throws {
        try await TestBus.with { bus in
            let first = try await TestService.start(on: bus, path: "/io/github/geminilive/Test1/a")
            try await first.connection.export(
                ExportedObject(
                    path: try DBusObjectPath("/io/github/geminilive/Test1/b"),
                    interfaces: [try makeTestInterface(first.state)]))
            let pathB = try DBusObjectPath("/io/github/geminilive/Test1/b")
            let client = try await DBusConnection.connect(.init(address: .address(bus.address)))
            let onA = try await client.subscribe(to: DBusMatchRule(path: first.path, member: "Text"))
            let onB = try await client.subscribe(to: DBusMatchRule(path: pathB, member: "Text"))
            try await first.connection.emitSignal(
                path: first.path, interface: testInterfaceName, member: "Text", arguments: [.string("a"), .uint32(0)])
            try await first.connection.emitSignal(
                path: pathB, interface: testInterfaceName, member: "Text", arguments: [.string("b"), .uint32(1)])
            let fromA = await collect(onA, count: 1)
            let fromB = await collect(onB, count: 1)
            #expect(fromA.map(\.arguments) == [[.string("a"), .uint32(0)]])
            #expect(fromB.map(\.arguments) == [[.string("b"), .uint32(1)]])

            onA.cancel()
            var iterator = onA.signals.makeAsyncIterator()
            #expect(await iterator.next() == nil)
            try await first.connection.emitSignal(
                path: pathB, interface: testInterfaceName, member: "Text", arguments: [.string("b"), .uint32(2)])
            #expect(await collect(onB, count: 1).map(\.arguments) == [[.string("b"), .uint32(2)]])
            await client.close()
            await first.connection.close()
        }
    }

    @Test("a path namespace covers the object and its children; a bad rule is refused before the bus")
    func namespaceAndValidation() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus, path: "/io/github/geminilive/Test1/x")
            let client = try await DBusConnection.connect(.init(address: .address(bus.address)))
            let subscription = try await client.subscribe(
                to: DBusMatchRule(pathNamespace: try DBusObjectPath("/io/github/geminilive/Test1")))
            try await service.connection.emitSignal(
                path: service.path, interface: testInterfaceName, member: "Text", arguments: [.string("x"), .uint32(7)])
            #expect(await collect(subscription, count: 1).first?.path == service.path)

            let invalid = await #expect(throws: DBusError.self) {
                _ = try await client.subscribe(to: DBusMatchRule(member: "not a member"))
            }
            #expect(invalid?.name == .invalidArgs)
            await client.close()
            var iterator = subscription.signals.makeAsyncIterator()
            #expect(await iterator.next() == nil, "closing the connection ends its subscriptions")
            await service.connection.close()
        }
    }
}
