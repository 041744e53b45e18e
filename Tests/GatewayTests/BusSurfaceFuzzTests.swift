import BusTestSupport
import DBusService
import IntrospectionXML
import FuzzSupport
import Foundation
import Gateway
import Testing

/// The gateway's D-Bus surface against thousands of seeded random method calls (``BusCallGenerator``) from one
/// client of the project's own D-Bus layer: each call gets a reply or a named error with a message within the
/// timeout; afterwards the gateway still serves a whole session, and no session is open but those the fuzzer
/// started, which it then closes. `FUZZ_SEED` and `FUZZ_CASES` override the defaults; the seed is printed.
@Suite("Fuzzing the D-Bus surface", .serialized)
struct BusSurfaceFuzzTests {
    typealias G = GatewayHarness

    static let defaultSeed: UInt64 = 0x6275_735F_6675_7A7A
    /// The longest any one call may take (a StartSession connects to the simulator).
    static let callTimeout: Duration = .seconds(10)
    static let namedErrorPrefixes = ["org.freedesktop.DBus.Error.", "io.github.geminilive.Gateway1.Error."]
    /// Errors that mean the gateway did not answer: never acceptable.
    static let unanswered: Set<DBusError.Name> = [.noReply, .disconnected]

    @Test("every fuzzed call is answered or refused by name; the gateway serves on and leaves no session behind")
    func fuzzTheBusSurface() async throws {
        let parameters = try FuzzParameters.fromEnvironment(defaultSeed: Self.defaultSeed, defaultCases: 2_500)
        try await G.with { gateway in
            let fuzzer = try await OwnClient.connect(gateway)
            let firstSession = try DBusObjectPath(try await fuzzer.startSession())
            var started: Set<DBusObjectPath> = [firstSession]
            let manager = try DBusObjectPath(G.manager)
            var generator = BusCallGenerator(targets: [
                .init(path: manager, interfaces: try await Self.introspect(manager, on: fuzzer.connection)),
                .init(path: firstSession, interfaces: try await Self.introspect(firstSession, on: fuzzer.connection)),
            ])
            let declared = Set(generator.interfaces.map(\.name))
            #expect(declared.isSuperset(of: [G.managerInterface, G.sessionInterface, "org.freedesktop.DBus.Properties"]), "\(declared)")

            var tally = BusFuzzTally()
            let clock = ContinuousClock()
            let began = clock.now
            for index in 0..<parameters.cases {
                var rng = SplitMix64.forCase(index, of: parameters.seed)
                let call = generator.makeCall(&rng)
                let callStarted = clock.now
                do throws(DBusError) {
                    let reply = try await fuzzer.connection.call(
                        destination: G.name, path: call.path, interface: call.interface, member: call.member,
                        arguments: call.arguments, timeout: Self.callTimeout)
                    tally.replies += 1
                    if call.member == "StartSession", case .objectPath(let path)? = reply.first { started.insert(path) }
                } catch {
                    tally.count(error)
                    if call.path == generator.targets[1].path, error.name == .unknownObject,
                        let replacement = try? await fuzzer.startSession(), let path = try? DBusObjectPath(replacement)
                    {
                        // The fuzzer closed its session: open another, so session methods keep reaching one.
                        started.insert(path)
                        generator.targets[1].path = path
                    }
                    let context = "case \(index) (\(parameters)): \(call)"
                    #expect(!Self.unanswered.contains(error.name), "no answer in time: \(error); \(context)")
                    #expect(Self.namedErrorPrefixes.contains { error.name.rawValue.hasPrefix($0) }, "an unnamed error \(error); \(context)")
                    #expect(!error.message.isEmpty, "an error without a message: \(error.name); \(context)")
                }
                tally.slowest = max(tally.slowest, clock.now - callStarted)
            }
            print("D-Bus surface fuzz: \(parameters); \(tally) in \(clock.now - began); \(started.count) sessions started")
            #expect(tally.total == parameters.cases)

            try await Self.expectStillServing(gateway)
            let open = Set(try await gateway.listSessions().compactMap { try? DBusObjectPath($0) })
            #expect(open.isSubset(of: started), "sessions the fuzzer did not start: \(open.subtracting(started))")
            for path in open { _ = try? await fuzzer.call(path.rawValue, "Close") }
            let closed = await eventually { (try? await gateway.listSessions())?.isEmpty == true }
            let left = (try? await gateway.listSessions()) ?? []
            #expect(closed, "sessions left open: \(left)")
            await fuzzer.close()
        }
    }

    @Test("StartSession with tools nested 513 arrays deep (which crashed Foundation's parser) is InvalidArgs")
    func deeplyNestedTools() async throws {
        try await G.with { gateway in
            let client = try await OwnClient.connect(gateway)
            let error = await #expect(throws: DBusError.self) {
                try await client.startSession(["tools": .variant(.string(String(repeating: "[", count: 513)))])
            }
            #expect(error?.name == .invalidArgs, "\(String(describing: error))")
            await client.close()
        }
    }

    /// The interfaces the object at `path` declares, from the gateway's own introspection data.
    static func introspect(_ path: DBusObjectPath, on connection: DBusConnection) async throws -> [InterfaceDescription] {
        let reply = try await connection.call(
            destination: G.name, path: path, interface: "org.freedesktop.DBus.Introspectable", member: "Introspect")
        guard case .string(let xml)? = reply.first else { throw TestBusError("Introspect replied \(reply)") }
        return try InterfaceDescription.parse(xml: xml)
    }

    /// A fresh client can still run a session: StartSession, SendText until the turn completes, Close.
    static func expectStillServing(_ gateway: GatewayHarness) async throws {
        let client = try await OwnClient.connect(gateway)
        let path = try await client.startSession()
        try await client.call(path, "SendText", [.string("Are you still there?")])
        let turned = await eventually {
            let reply = try? await client.connection.call(
                destination: G.name, path: DBusObjectPath(path), interface: "org.freedesktop.DBus.Properties", member: "Get",
                arguments: [.string(G.sessionInterface), .string("Turn")])
            return reply?.first?.unwrappingVariant == .uint64(1)
        }
        #expect(turned, "the turn after the fuzzing completed")
        try await client.call(path, "Close")
        await client.close()
    }
}

/// Counts of a D-Bus fuzz run: replies, and errors by name.
struct BusFuzzTally: CustomStringConvertible {
    var replies = 0
    var errors: [String: Int] = [:]
    var slowest: Duration = .zero

    var total: Int { replies + errors.values.reduce(0, +) }

    mutating func count(_ error: DBusError) {
        errors[error.name.rawValue, default: 0] += 1
    }

    var description: String {
        let names = errors.sorted { $0.value > $1.value }.map { "\($0.key.split(separator: ".").last ?? "") \($0.value)" }
        return "\(total) calls: \(replies) replies, errors \(names.joined(separator: ", ")); slowest call \(slowest)"
    }
}
