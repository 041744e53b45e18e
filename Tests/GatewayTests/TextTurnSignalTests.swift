import BusTestSupport
import Foundation
import Gateway
import Testing

@Suite("Signals seen by a real D-Bus client")
struct TextTurnSignalTests {
    typealias G = GatewayHarness

    @Test("dbus-monitor sees a text turn in order, PropertiesChanged for Turn and Usage, Closed, InterfacesAdded/Removed")
    func textTurnInOrder() async throws {
        try await G.with { gateway in
            let monitor = try await gateway.monitorSignals()
            let path = try await gateway.startSession(["2", "detached", "b", "true", "output_transcription", "b", "true"])
            try await gateway.call(path, G.sessionInterface, "SendText", "s", "Hello there, gateway")
            let turned = await eventually { (try? await gateway.property(path, G.sessionInterface, "Turn").data).flatMap(number) == 1 }
            #expect(turned)
            try await gateway.call(path, G.sessionInterface, "Close")
            let closed = await eventually { monitor.stdout.contains("member=InterfacesRemoved") }
            let output = await monitor.stop().stdout
            #expect(closed, "\(output)")
            let log = MonitorLog(output)

            let added = log.signals("org.freedesktop.DBus.ObjectManager", "InterfacesAdded")
            #expect(added.count == 1)
            #expect(added.first?.path == G.manager)
            #expect(added.first?.lines.first == "object path \"\(path)\"")

            let turnSignals = log.messages.filter {
                $0.path == path && $0.interface == G.sessionInterface
                    && ["OutputTranscription", "GenerationComplete", "TurnComplete"].contains($0.member)
            }
            let fragments = turnSignals.prefix { $0.member == "OutputTranscription" }
            #expect(fragments.count >= 3, "\(output)")
            #expect(turnSignals.map(\.member) == Array(repeating: "OutputTranscription", count: fragments.count) + ["GenerationComplete", "TurnComplete"])
            let numbers = fragments.map { $0.values("uint64").compactMap { UInt64($0) } }
            #expect(numbers.allSatisfy { $0.first == 0 }, "turn 0")
            #expect(numbers.map { $0.last ?? 99 } == (0..<UInt64(fragments.count)).map { $0 }, "sequence 0, 1, 2, …")
            let words = fragments.compactMap { $0.values("string").first }.joined()
            #expect(words.contains("You said: Hello there, gateway"), "\(words)")
            #expect(turnSignals.last?.values("uint64") == ["0"])

            let turnChange = log.messages.firstIndex {
                $0.member == "PropertiesChanged" && $0.path == path && $0.values("string").contains("Turn")
                    && $0.values("string").contains("Usage")
            }
            let turnComplete = log.messages.firstIndex { $0.member == "TurnComplete" }
            #expect(turnChange != nil, "PropertiesChanged with Turn and Usage")
            if let turnChange, let turnComplete { #expect(turnChange > turnComplete) }
            #expect(
                log.signals("org.freedesktop.DBus.Properties", "PropertiesChanged", path: path).contains {
                    $0.lines.contains { $0.hasSuffix("string \"closed\"") }
                }, "State changed to closed")

            let closedSignal = try #require(log.signals(G.sessionInterface, "Closed", path: path).first)
            #expect(closedSignal.values("uint32") == ["1000"])
            #expect(closedSignal.values("string").last == "The session's owner closed it with Close().")
            let removed = log.signals("org.freedesktop.DBus.ObjectManager", "InterfacesRemoved")
            #expect(removed.first?.lines.first == "object path \"\(path)\"")
            let closedIndex = log.messages.firstIndex { $0.member == "Closed" } ?? 0
            let removedIndex = log.messages.firstIndex { $0.member == "InterfacesRemoved" } ?? 0
            #expect(closedIndex < removedIndex, "Closed comes before the object disappears")
            #expect(try await gateway.listSessions().isEmpty)
        }
    }

    @Test("gdbus monitor, a second independent client, sees the same turn")
    func gdbusMonitor() async throws {
        try await G.with { gateway in
            let monitor = try ClientTool.start(
                ["gdbus", "monitor", "--address", gateway.bus.address, "--dest", G.name], bus: gateway.bus)
            let watching = await eventually { monitor.stdout.contains("Monitoring signals") }
            #expect(watching, "\(monitor.stderr)")
            let path = try await gateway.startSession(["1", "detached", "b", "true"])
            try await gateway.call(path, G.sessionInterface, "SendText", "s", "one two three")
            let seen = await eventually { monitor.stdout.contains("\(G.sessionInterface).TurnComplete") }
            try await gateway.call(path, G.sessionInterface, "Close")
            let closed = await eventually { monitor.stdout.contains("\(G.sessionInterface).Closed") }
            let output = await monitor.stop().stdout
            #expect(seen && closed, "\(output)")
            let lines = output.split(separator: "\n").filter { $0.hasPrefix(path) }
            let members = lines.compactMap { line -> String? in
                guard let range = line.range(of: "\(G.sessionInterface).") else { return nil }
                return String(line[range.upperBound...].prefix { $0 != " " })
            }
            let generation = members.firstIndex(of: "GenerationComplete")
            let complete = members.firstIndex(of: "TurnComplete")
            let lastFragment = members.lastIndex(of: "OutputTranscription")
            #expect(lastFragment != nil && generation != nil && complete != nil, "\(members)")
            if let lastFragment, let generation, let complete { #expect(lastFragment < generation && generation < complete) }
            #expect(members.last == "Closed")
        }
    }
}

/// A number from `busctl --json` output.
func number(_ value: Any) -> UInt64? {
    switch value {
    case let number as NSNumber: number.uint64Value
    case let int as Int: UInt64(exactly: int)
    case let uint as UInt64: uint
    default: nil
    }
}
