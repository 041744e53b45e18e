import BusTestSupport
import DBusService
import Foundation
import Synchronization
import Testing

@Suite("Method calls")
struct MethodCallTests {
    static func allValues() throws -> [DBusValue] {
        [
            .byte(200), .boolean(true), .int16(-2), .uint16(3), .int32(-4), .uint32(5), .int64(-6), .uint64(.max),
            .double(1.5), .string("héllo ✓"), .objectPath(try DBusObjectPath("/a/b")), .signature(try DBusSignature("a{sv}")),
            DBusValue(["x", "y"]),
            DBusValue([try DBusObjectPath("/p/1"), try DBusObjectPath("/p/2")]),
            DBusValue([UInt8]([1, 2, 3])),
            DBusValue([
                "k1": DBusValue.string("v1"),
                "nested": DBusValue(["inner": DBusValue.uint64(9), "list": DBusValue(["a"])]),
                "numbers": DBusValue([Int32(1), 2]),
                "deep": DBusValue.variant(.boolean(false)),
            ] as [String: DBusValue]),
            DBusValue(["a": "b"]),
            .structure([.string("z"), .int32(7)]),
        ]
    }

    @Test("every marshalled type round-trips through a second connection of our own")
    func roundTripOwnClient() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let client = try await TestService.client(on: bus)
            let values = try Self.allValues()
            let reply = try await client.call(
                destination: TestService.busName, path: service.path, interface: testInterfaceName, member: "EchoAll",
                arguments: values)
            #expect(reply == values)
            let received = service.state.received.withLock { $0 }
            #expect(received.first?.arguments == values)
            #expect(received.first?.sender == client.uniqueName)
            await client.close()
            await service.connection.close()
        }
    }

    @Test("every marshalled type round-trips through busctl")
    func roundTripBusctl() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let result = try await bus.busctl(
                "--json=short", "--", "call", TestService.busName, service.path.rawValue, testInterfaceName, "EchoAll",
                "ybnqiuxtdsogasaoaya{sv}a{ss}(si)",
                "200", "true", "-2", "3", "-4", "5", "-6", "18446744073709551615", "1.5", "héllo ✓", "/a/b", "a{sv}",
                "2", "x", "y", "2", "/p/1", "/p/2", "3", "1", "2", "3",
                "4", "k1", "s", "v1", "nested", "a{sv}", "2", "inner", "t", "9", "list", "as", "1", "a",
                "numbers", "ai", "2", "1", "2", "deep", "v", "b", "false",
                "1", "a", "b", "z", "7")
            #expect(result.status == 0, "\(result.stderr)")
            let received = try #require(service.state.received.withLock { $0.first })
            #expect(received.arguments == (try Self.allValues()))
            #expect(result.stdout.contains("\"type\":\"ybnqiuxtdsogasaoaya{sv}a{ss}(si)\""))
            #expect(result.stdout.contains("18446744073709551615"))
            #expect(result.stdout.contains("héllo ✓"))
            await service.connection.close()
        }
    }

    @Test("typed option accessors work for a real client and report wrong types by key")
    func typedOptions() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let ok = try await bus.gdbusCall(
                dest: TestService.busName, path: service.path.rawValue, method: "\(testInterfaceName).Describe",
                "{'model': <'flash'>, 'temperature': <0.25>, 'nested': <{'depth': <uint64 4>}>}")
            #expect(ok.status == 0, "\(ok.stderr)")
            #expect(ok.stdout.contains("model=flash temperature=0.25 depth=4"))

            let wrong = try await bus.gdbusCall(
                dest: TestService.busName, path: service.path.rawValue, method: "\(testInterfaceName).Describe",
                "{'model': <'flash'>, 'temperature': <'hot'>}")
            #expect(wrong.status != 0)
            #expect(wrong.stderr.contains("org.freedesktop.DBus.Error.InvalidArgs"))
            #expect(wrong.stderr.contains("\"temperature\" must be of type d, got s"))

            let unknown = try await bus.gdbusCall(
                dest: TestService.busName, path: service.path.rawValue, method: "\(testInterfaceName).Describe",
                "{'model': <'flash'>, 'colour': <'red'>}")
            #expect(unknown.stderr.contains("Unknown option(s) colour"))
            await service.connection.close()
        }
    }

    @Test("an async handler replies later without blocking other calls")
    func asyncHandler() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let waiting = try ClientTool.start(
                ["busctl", "--address=\(bus.address)", "call", TestService.busName, service.path.rawValue,
                 testInterfaceName, "Wait", "s", "first"], bus: bus)
            let parked = await eventually { service.state.waiting.withLock { !$0.isEmpty } }
            #expect(parked)
            // While Wait is pending, another call is served (the queue is not blocked).
            let version = try await bus.busctl("get-property", TestService.busName, service.path.rawValue, testInterfaceName, "Version")
            #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "s \"1.2.3\"")
            let release = try await bus.busctl("call", TestService.busName, service.path.rawValue, testInterfaceName, "Release")
            #expect(release.status == 0, "\(release.stderr)")
            let result = await waiting.finish()
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("ss \"first\" \":1."))
            await service.connection.close()
        }
    }

    @Test("one caller's calls to one object are handled in the order sent; other callers are not held up")
    func callOrder() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let client = try await TestService.client(on: bus)
            let path = service.path
            let slow = Task {
                try await client.call(
                    destination: TestService.busName, path: path, interface: testInterfaceName, member: "Wait",
                    arguments: [.string("slow")])
            }
            try #require(await eventually { service.state.waiting.withLock { !$0.isEmpty } })
            let values = try Self.allValues()
            let next = Task {
                try await client.call(
                    destination: TestService.busName, path: path, interface: testInterfaceName, member: "EchoAll",
                    arguments: values)
            }
            // Another caller is served while the first caller's Wait is pending.
            let other = try await bus.busctl("get-property", TestService.busName, path.rawValue, testInterfaceName, "Version")
            #expect(other.status == 0)
            try await Task.sleep(for: .milliseconds(200))
            #expect(service.state.events.withLock { $0.isEmpty }, "EchoAll must wait for the same caller's earlier Wait")
            service.state.release()
            _ = try await slow.value
            #expect(try await next.value == values)
            #expect(service.state.events.withLock { $0 } == ["Wait:slow", "EchoAll"])
            await client.close()
            await service.connection.close()
        }
    }

    @Test("a wrong signature is InvalidArgs naming the method, the expected and the received signature")
    func wrongSignature() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let result = try await bus.busctl(
                "call", TestService.busName, service.path.rawValue, testInterfaceName, "Describe", "s", "oops")
            #expect(result.status != 0)
            #expect(result.stderr.contains("io.github.geminilive.Test1.Describe"))
            #expect(result.stderr.contains("expected signature \"a{sv}\", received \"s\""))

            let client = try await TestService.client(on: bus)
            let error = await #expect(throws: DBusError.self) {
                try await client.call(
                    destination: TestService.busName, path: service.path, interface: testInterfaceName, member: "Wait",
                    arguments: [.int32(1)])
            }
            #expect(error?.name == .invalidArgs)
            #expect(service.state.waiting.withLock { $0.isEmpty }, "the handler must not run")
            await client.close()
            await service.connection.close()
        }
    }

    @Test("unknown objects, interfaces and methods get the standard errors saying what exists")
    func unknownTargets() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let client = try await TestService.client(on: bus)
            func failure(_ path: String, _ interface: String, _ member: String) async throws -> DBusError? {
                await #expect(throws: DBusError.self) {
                    try await client.call(
                        destination: TestService.busName, path: try DBusObjectPath(path), interface: interface, member: member)
                }
            }
            let object = try await failure("/nowhere", testInterfaceName, "Release")
            #expect(object?.name == .unknownObject)
            #expect(object?.message.contains("/io/github/geminilive/Test1") == true)

            let interface = try await failure(service.path.rawValue, "io.github.geminilive.Nope", "Release")
            #expect(interface?.name == .unknownInterface)
            #expect(interface?.message.contains(testInterfaceName) == true)

            let method = try await failure(service.path.rawValue, testInterfaceName, "Nope")
            #expect(method?.name == .unknownMethod)
            #expect(method?.message.contains("Describe(a{sv})") == true)

            let busctl = try await bus.busctl("call", TestService.busName, service.path.rawValue, testInterfaceName, "Nope")
            #expect(busctl.status != 0)
            #expect(busctl.stderr.contains("has no method Nope"))
            await client.close()
            await service.connection.close()
        }
    }

    @Test("thrown D-Bus errors reach clients with name and message; other errors become Failed without details")
    func errorReplies() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let named = try await bus.gdbusCall(
                dest: TestService.busName, path: service.path.rawValue, method: "\(testInterfaceName).Fail",
                "io.github.geminilive.Test1.Error.NoSuchSession", "session 7 does not exist")
            #expect(named.status != 0)
            #expect(named.stderr.contains("io.github.geminilive.Test1.Error.NoSuchSession"))
            #expect(named.stderr.contains("session 7 does not exist"))

            let busctl = try await bus.busctl(
                "call", TestService.busName, service.path.rawValue, testInterfaceName, "Fail", "ss",
                "io.github.geminilive.Test1.Error.Busy", "try later")
            #expect(busctl.stderr.contains("try later"))

            let crash = try await bus.gdbusCall(
                dest: TestService.busName, path: service.path.rawValue, method: "\(testInterfaceName).Crash")
            #expect(crash.stderr.contains("org.freedesktop.DBus.Error.Failed"))
            #expect(!crash.stderr.contains("secret-internal-detail"))
            await service.connection.close()
        }
    }

    @Test("Peer.Ping and GetMachineId answer on exported objects")
    func peer() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let ping = try await bus.busctl("call", TestService.busName, service.path.rawValue, "org.freedesktop.DBus.Peer", "Ping")
            #expect(ping.status == 0, "\(ping.stderr)")
            let id = try await bus.busctl(
                "call", TestService.busName, service.path.rawValue, "org.freedesktop.DBus.Peer", "GetMachineId")
            #expect(id.stdout.hasPrefix("s \""))
            await service.connection.close()
        }
    }
}
