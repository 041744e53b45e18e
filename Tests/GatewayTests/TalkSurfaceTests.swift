import BusTestSupport
import DBusService
import Foundation
import Gateway
import LiveProtocol
import LiveSimulator
import Testing

@Suite("Push-to-talk, mute, activity, latency and reconnect properties; NotFound after a close")
struct TalkSurfaceTests {
    typealias G = GatewayHarness

    static let manualActivity = ["2", "detached", "b", "true", "vad", "a{sv}", "1", "disabled", "b", "true"]

    /// A dictionary property (`a{sv}`) as busctl --json prints it: key → value.
    static func dictionary(_ gateway: G, _ path: String, _ name: String) async throws -> [String: Any] {
        let entries = try await gateway.property(path, G.sessionInterface, name).data as? [String: Any] ?? [:]
        return entries.mapValues { ($0 as? [String: Any])?["data"] ?? $0 }
    }

    @Test("StartActivity/EndActivity send activityStart/activityEnd and the reply follows; InvalidState otherwise")
    func manualActivityTurn() async throws {
        try await G.with { gateway in
            // A session with the service's own voice-activity detection refuses both, saying how to fix it.
            let automatic = try await gateway.startSession(["1", "detached", "b", "true"])
            for method in ["StartActivity", "EndActivity"] {
                let refused = GDBusError(try await gateway.gdbus(automatic, G.sessionInterface, method))
                #expect(refused?.name == GatewayError.invalidState.rawValue, "\(String(describing: refused))")
                #expect(refused?.message.contains("\"vad\": {\"disabled\": true}") == true, "\(String(describing: refused))")
                #expect(refused?.message.contains("--push-to-talk") == true)
            }
            #expect(try await gateway.sessionString(automatic, "State") == "active", "the refusal did not break the session")

            let path = try await gateway.startSession(Self.manualActivity)
            let early = GDBusError(try await gateway.gdbus(path, G.sessionInterface, "EndActivity"))
            #expect(early?.name == GatewayError.invalidState.rawValue)
            #expect(early?.message.contains("No activity is open") == true, "\(String(describing: early))")
            #expect(try await gateway.sessionString(path, "Activity") == "idle")

            let monitor = try await gateway.monitorSignals()
            try await gateway.call(path, G.sessionInterface, "StartActivity")
            #expect(try await gateway.sessionString(path, "Activity") == "listening")
            try await gateway.call(path, G.sessionInterface, "StartActivity")  // already open: nothing more is sent
            try await gateway.call(path, G.sessionInterface, "EndActivity")
            let answered = await eventually { monitor.stdout.contains("member=TurnComplete") }
            #expect(answered, "\(gateway.logs.text)")
            let messages = gateway.simulator.recorder.connections.last?.clientMessages ?? []
            let inputs = messages.compactMap { message -> RealtimeInput? in
                if case .realtimeInput(let input) = message { return input }
                return nil
            }
            #expect(inputs.filter { $0.activityStart != nil }.count == 1, "\(inputs)")
            #expect(inputs.filter { $0.activityEnd != nil }.count == 1, "\(inputs)")
            #expect(!inputs.contains { $0.audioStreamEnd == true }, "audioStreamEnd is refused with manual activity")

            // The reply arrived without nodes (the gateway runs without audio): heard on arrival.
            let measured = await eventually {
                (try? await Self.dictionary(gateway, path, "ResponseLatency"))?["count"].flatMap(number) == 1
            }
            #expect(measured)
            let latency = try await Self.dictionary(gateway, path, "ResponseLatency")
            let last = try #require(latency["last_ms"] as? Double, "\(latency)")
            let p50 = try #require(latency["p50_ms"] as? Double)
            let p95 = try #require(latency["p95_ms"] as? Double)
            #expect(last >= 0 && p50 <= p95, "\(latency)")
            let idle = await eventually { (try? await gateway.sessionString(path, "Activity")) == "idle" }
            #expect(idle)
            let bargeIn = try await Self.dictionary(gateway, path, "BargeInLatency")
            #expect(bargeIn["count"].flatMap(number) == 0 && bargeIn["last_ms"] == nil, "\(bargeIn)")
            let announced = await monitor.stop().stdout
            #expect(announced.contains("\"Activity\""), "Activity changes are announced")
            try await gateway.call(path, G.sessionInterface, "Close")
        }
    }

    @Test("Muted: the owner sets it (AccessDenied for others), PropertiesChanged announces it, audioStreamEnd with the service's VAD")
    func muted() async throws {
        try await G.with { gateway in
            let owner = try await OwnClient.connect(gateway)
            let path = try await owner.startSession()
            let objectPath = try DBusObjectPath(path)
            #expect(try await gateway.property(path, G.sessionInterface, "Muted").data as? Bool == false)
            let monitor = try await gateway.monitorSignals()

            let other = try await ClientTool.run(
                ["busctl", "--address=\(gateway.bus.address)", "set-property", G.name, path, G.sessionInterface, "Muted", "b", "true"],
                bus: gateway.bus)
            #expect(other.status != 0)
            #expect(other.stderr.contains("Only the session's owner"), "\(other.stderr)")
            #expect(try await gateway.property(path, G.sessionInterface, "Muted").data as? Bool == false)

            _ = try await owner.connection.call(
                destination: G.name, path: objectPath, interface: "org.freedesktop.DBus.Properties", member: "Set",
                arguments: [.string(G.sessionInterface), .string("Muted"), .variant(.boolean(true))])
            #expect(try await gateway.property(path, G.sessionInterface, "Muted").data as? Bool == true)
            let announced = await eventually { monitor.stdout.contains("\"Muted\"") }
            #expect(announced, "\(monitor.stdout)")
            let ended = await eventually {
                gateway.simulator.recorder.connections.last?.clientMessages.contains { message in
                    if case .realtimeInput(let input) = message { return input.audioStreamEnd == true }
                    return false
                } == true
            }
            #expect(ended, "muting tells the service the stream ended")
            let wrongType = await #expect(throws: DBusError.self) {
                try await owner.connection.call(
                    destination: G.name, path: objectPath, interface: "org.freedesktop.DBus.Properties", member: "Set",
                    arguments: [.string(G.sessionInterface), .string("Muted"), .variant(.string("yes"))])
            }
            #expect(wrongType?.name == .invalidArgs, "\(String(describing: wrongType))")
            _ = try await owner.connection.call(
                destination: G.name, path: objectPath, interface: "org.freedesktop.DBus.Properties", member: "Set",
                arguments: [.string(G.sessionInterface), .string("Muted"), .variant(.boolean(false))])
            #expect(try await gateway.property(path, G.sessionInterface, "Muted").data as? Bool == false)
            #expect(try await gateway.property(path, G.sessionInterface, "AudioMutedSeconds").data as? Double == 0)
            _ = await monitor.stop()
            await owner.close()
        }
    }

    @Test("a busctl-started session's path answers NotFound saying its owner left and how to keep it; the hint is logged")
    func notFoundAfterOwnerLeft() async throws {
        try await G.with { gateway in
            let path = try await gateway.startSession()  // owner-bound: busctl leaves at once
            let gone = await eventually { (try? await gateway.listSessions())?.isEmpty == true }
            #expect(gone)
            let late = GDBusError(try await gateway.gdbus(path, G.sessionInterface, "SendText", "'hello'"))
            #expect(late?.name == GatewayError.notFound.rawValue, "\(String(describing: late))")
            #expect(late?.message.contains("The session \(path) was closed at ") == true, "\(String(describing: late))")
            #expect(late?.message.contains("left the bus") == true)
            #expect(late?.message.contains("(busctl)") == true, "the owner's process is named: \(String(describing: late))")
            #expect(late?.message.contains("pass detached=true") == true)
            let property = try await gateway.bus.busctl("get-property", G.name, path, G.sessionInterface, "State")
            #expect(property.status != 0)
            #expect(property.stderr.contains("was closed at"), "\(property.stderr)")
            #expect(gateway.logs.text.contains("within a second of starting it"), "\(gateway.logs.text)")
            // A path that never held a session is still UnknownObject.
            let never = GDBusError(try await gateway.gdbus("\(G.manager)/session/999", G.sessionInterface, "Close"))
            #expect(never?.name == "org.freedesktop.DBus.Error.UnknownObject")
        }
    }

    @Test("a dropped connection counts one reconnect with its cause")
    func reconnects() async throws {
        try await G.with { gateway in
            gateway.simulator.enqueueFaults(FaultScript(dropAfter: .milliseconds(800)))
            let path = try await gateway.startSession(["1", "detached", "b", "true"])
            #expect(number(try await gateway.property(path, G.sessionInterface, "Reconnects").data) == 0)
            #expect(try await gateway.sessionString(path, "LastReconnectCause") == "")
            let counted = await eventually {
                (try? await gateway.property(path, G.sessionInterface, "Reconnects")).flatMap { number($0.data) } == 1
            }
            #expect(counted, "\(gateway.logs.text)")
            let cause = try await gateway.sessionString(path, "LastReconnectCause") ?? ""
            #expect(!cause.isEmpty)
            let active = await eventually { (try? await gateway.sessionString(path, "State")) == "active" }
            #expect(active)
            try await gateway.call(path, G.sessionInterface, "Close")
        }
    }
}
