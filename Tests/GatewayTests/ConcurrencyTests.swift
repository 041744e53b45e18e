import BusTestSupport
import DBusService
import Foundation
import Gateway
import LiveSimulator
import Testing

/// Issue 5 §2, the concurrency rows of the fault matrix: clients racing on one session, and many
/// sessions started and closed at once without leaking descriptors, name watches or connections.
/// The gateway runs in-process on a private dbus-daemon against the in-process simulator; the
/// callers are bus connections of the test's own.
///
/// Serialized, so that the descriptor count of one test is not moved by the other. Other suites
/// running in the same process still move the total count; the simulator's sockets and the
/// gateway's match rules are counted exactly whatever runs alongside.
@Suite("Concurrency: racing clients on one session, 50 sessions at once, no leaks", .serialized)
struct ConcurrencyTests {
    typealias G = GatewayHarness

    /// How one call ended: its method, and the D-Bus error name when it failed.
    struct Outcome: Sendable {
        var method: String
        var error: DBusError?
    }

    @Test("two connections of one user race SendText, Interrupt and Close on a detached session: each call answered or a named error, one Closed")
    func twoClientsRace() async throws {
        try await G.with { gateway in
            let signals = try await GatewaySignals.start(gateway)
            let first = try await OwnClient.connect(gateway)
            let second = try await OwnClient.connect(gateway)
            let path = try await first.startSession(["detached": .boolean(true)])
            let objectPath = try DBusObjectPath(path)
            // Each task makes five calls in a row; a quarter of the tasks close the session on the way.
            let outcomes = await withTaskGroup(of: [Outcome].self) { group in
                for index in 0..<40 {
                    let client = index.isMultiple(of: 2) ? first : second
                    let methods = ["SendText", "Interrupt", "SendText", index % 4 == 3 ? "Close" : "Interrupt", "SendText"]
                    group.addTask {
                        var outcomes: [Outcome] = []
                        for method in methods {
                            let arguments: [DBusValue] = method == "SendText" ? [.string("race \(index)")] : []
                            do throws(DBusError) {
                                _ = try await client.connection.call(
                                    destination: G.name, path: objectPath, interface: G.sessionInterface, member: method,
                                    arguments: arguments, timeout: .seconds(20))
                                outcomes.append(Outcome(method: method, error: nil))
                            } catch {
                                outcomes.append(Outcome(method: method, error: error))
                            }
                        }
                        return outcomes
                    }
                }
                return await group.reduce(into: []) { $0 += $1 }
            }
            #expect(outcomes.count == 200)
            let named: Set<DBusError.Name> = [GatewayError.invalidState, GatewayError.notFound, .unknownObject]
            let unexpected = outcomes.filter { $0.error.map { !named.contains($0.name) } ?? false }
            #expect(unexpected.isEmpty, "\(unexpected.map { "\($0.method): \(String(describing: $0.error))" })")
            let succeeded = Dictionary(grouping: outcomes.filter { $0.error == nil }, by: \.method).mapValues(\.count)
            let failed = Dictionary(grouping: outcomes.filter { $0.error != nil }, by: { "\($0.method) \($0.error?.name.rawValue ?? "")" })
                .mapValues(\.count)
            print("race: succeeded \(succeeded), failed \(failed)")
            #expect((succeeded["Close"] ?? 0) >= 1, "a Close went through")
            #expect((succeeded["SendText"] ?? 0) >= 1, "texts were taken before the close")

            let gone = await eventually { (try? await first.listSessions())?.isEmpty == true }
            #expect(gone)
            let announced = await eventually { !signals.closed(path).isEmpty }
            #expect(announced)
            try await Task.sleep(for: .milliseconds(300))
            let closed = signals.closed(path)
            #expect(closed.count == 1, "exactly one Closed: \(closed)")
            #expect(closed.first?.explanation == "The session's owner closed it with Close().")

            let next = try await second.startSession()
            try await second.call(next, "SendText", [.string("still serving?")])
            let served = await eventually { signals.turnCompletes(next) == 1 }
            #expect(served, "the gateway still serves")
            try await second.call(next, "Close")
            let recorder = gateway.simulator.recorder
            let ended = await eventually { recorder.connections.allSatisfy { !$0.isOpen } }
            #expect(ended)
            #expect(recorder.connections.count == 2)
            await signals.stop()
            await first.close()
            await second.close()
        }
    }

    @Test("50 sessions started and closed concurrently from five connections: distinct paths, 50 Closed, nothing left or leaked")
    func fiftySessions() async throws {
        try await G.with { gateway in
            let signals = try await GatewaySignals.start(gateway)
            var clients: [OwnClient] = []
            for _ in 0..<5 { clients.append(try await OwnClient.connect(gateway)) }
            let owners = clients
            // One session first, so that whatever the gateway makes lazily exists before the count.
            let warmUp = try await owners[0].startSession()
            try await owners[0].call(warmUp, "Close")
            let recorder = gateway.simulator.recorder
            let settled = await eventually { recorder.connections.allSatisfy { !$0.isOpen } }
            #expect(settled)
            let rules = try await matchRules(of: gateway)
            let port = gateway.simulatorAddress.port
            let peers = try await owners[0].busConnections()
            let before = ProcessResources(simulatorPort: port)

            let started = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for index in 0..<50 {
                    group.addTask { (index, try await owners[index % owners.count].startSession()) }
                }
                return try await group.reduce(into: [(Int, String)]()) { $0.append($1) }
            }
            let paths = started.map(\.1)
            #expect(paths.count == 50)
            #expect(Set(paths).count == 50, "distinct paths")
            #expect(Set(try await owners[0].listSessions()) == Set(paths))
            #expect(recorder.connections.filter(\.isOpen).count == 50)
            let during = ProcessResources(simulatorPort: port)

            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, path) in started {
                    group.addTask { try await owners[index % owners.count].call(path, "Close") }
                }
                try await group.waitForAll()
            }
            #expect(try await owners[0].listSessions().isEmpty)
            let allClosed = await eventually { paths.allSatisfy { signals.closed($0).count == 1 } }
            #expect(allClosed)
            #expect(signals.closed().count == 51, "exactly one Closed per session (and the warm-up's)")
            #expect(signals.closed().allSatisfy { $0.explanation == "The session's owner closed it with Close()." })
            let ended = await eventually { recorder.connections.allSatisfy { !$0.isOpen } }
            #expect(ended, "the simulator saw every connection end")
            #expect(recorder.connections.count == 51)
            #expect(try await owners[0].busConnections() == peers, "no bus connection left behind")
            // The total counts every descriptor of the process: exact only while no other test runs alongside.
            let alone = ProcessResources.otherChildren(than: gateway.bus.pid).isEmpty
            var after = ProcessResources(simulatorPort: port)
            let released = await eventually(timeout: .seconds(10)) {
                after = ProcessResources(simulatorPort: port)
                return after.simulatorSockets == before.simulatorSockets && (!alone || after.descriptors <= before.descriptors + 5)
            }
            let alsoAlone = alone && ProcessResources.otherChildren(than: gateway.bus.pid).isEmpty
            print(
                "50 sessions: before \(before), with 50 open \(during), after \(after); changed: \(after.changes(since: before))"
                    + (alsoAlone ? "" : "; other tests ran alongside, so the total is shown, not checked"))
            #expect(during.simulatorSockets >= before.simulatorSockets + 100, "both ends of 50 WebSockets were counted")
            #expect(after.simulatorSockets == before.simulatorSockets, "no WebSocket left open")
            if alsoAlone {
                #expect(after.descriptors <= before.descriptors + 5, "no descriptors leaked")
            }
            #expect(released)
            // Counted after the descriptors: busctl runs as a child process, whose plumbing holds descriptors a while.
            let watchesGone = await eventually { (try? await matchRules(of: gateway)) == rules }
            #expect(watchesGone, "the gateway's name watches are back to \(rules)")
            await signals.stop()
            for owner in owners { await owner.close() }
        }
    }
}

/// What this process holds: open descriptors, threads, and the TCP sockets of one simulator port
/// (both ends, as the gateway and the simulator run in-process).
struct ProcessResources: CustomStringConvertible {
    var descriptors: Int
    /// The descriptors by kind (see ``kind(of:)``).
    var kinds: [String: Int]
    var threads: Int
    var simulatorSockets: Int

    init(simulatorPort: Int) {
        let files = FileManager.default
        let fds = (try? files.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        descriptors = fds.count
        kinds = fds.reduce(into: [:]) { kinds, fd in
            let target = (try? files.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) ?? "?"
            kinds[Self.kind(of: target), default: 0] += 1
        }
        threads = ((try? files.contentsOfDirectory(atPath: "/proc/self/task")) ?? []).count
        let inodes = Self.tcpInodes(port: simulatorPort)
        simulatorSockets = fds.filter { fd in
            guard let target = try? files.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"),
                target.hasPrefix("socket:[")
            else { return false }
            return inodes.contains(String(target.dropFirst("socket:[".count).dropLast()))
        }.count
    }

    var description: String { "\(descriptors) fds, \(threads) threads, \(simulatorSockets) simulator sockets" }

    /// The child processes of this process other than `pid`: other tests' daemons and tools.
    static func otherChildren(than pid: Int32) -> Set<Int32> {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        var children: Set<Int32> = []
        for task in tasks {
            guard let data = try? FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/task/\(task)/children")).readToEnd()
            else { continue }
            children.formUnion(String(decoding: data, as: UTF8.self).split(separator: " ").compactMap { Int32($0) })
        }
        children.remove(pid)
        return children
    }

    /// `socket`, `pipe`, `anon_inode:[eventfd]`…, `file` or `deleted file`.
    static func kind(of target: String) -> String {
        if target.hasPrefix("/") { return target.hasSuffix(" (deleted)") ? "deleted file" : "file" }
        if target.hasPrefix("anon_inode:") { return target }
        return String(target.prefix { $0 != ":" })
    }

    /// The kinds of descriptor whose count differs from `earlier`, with the change.
    func changes(since earlier: ProcessResources) -> [String: Int] {
        Set(kinds.keys).union(earlier.kinds.keys).reduce(into: [:]) { changes, kind in
            let change = (kinds[kind] ?? 0) - (earlier.kinds[kind] ?? 0)
            if change != 0 { changes[kind] = change }
        }
    }

    /// The inodes of TCP sockets whose local or remote port is `port` (from /proc/self/net/tcp and tcp6).
    static func tcpInodes(port: Int) -> Set<String> {
        let hexPort = String(format: "%04X", port)
        var inodes: Set<String> = []
        for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
            // procfs files report size 0: read to the end rather than by the reported size.
            guard let data = try? FileHandle(forReadingFrom: URL(fileURLWithPath: table)).readToEnd() else { continue }
            let text = String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 9 else { continue }
                let local = fields[1].split(separator: ":").last
                let remote = fields[2].split(separator: ":").last
                if local.map(String.init) == hexPort || remote.map(String.init) == hexPort {
                    inodes.insert(String(fields[9]))
                }
            }
        }
        return inodes
    }
}

extension OwnClient {
    /// The unique names connected to the bus (`org.freedesktop.DBus.ListNames`), sorted.
    func busConnections() async throws -> [String] {
        let reply = try await connection.call(
            destination: "org.freedesktop.DBus", path: try DBusObjectPath("/org/freedesktop/DBus"),
            interface: "org.freedesktop.DBus", member: "ListNames")
        guard case .array(_, let names)? = reply.first else { throw TestBusError("ListNames replied \(reply)") }
        return names.compactMap { name -> String? in
            guard case .string(let text) = name, text.hasPrefix(":") else { return nil }
            return text
        }.sorted()
    }
}
