import BusTestSupport
import DBusService
import Foundation
import Gateway
import LiveClient
import LiveProtocol
import LiveSimulator
import Testing

@Suite("Bad input and refusals: named errors with useful messages, and the gateway keeps serving")
struct BadInputTests {
    typealias G = GatewayHarness

    /// `gdbus call … StartSession OPTIONS`'s error.
    static func startSessionError(_ gateway: GatewayHarness, _ options: String) async throws -> GDBusError? {
        GDBusError(try await gateway.gdbus(G.manager, G.managerInterface, "StartSession", options))
    }

    @Test("StartSession: wrong types, unknown keys and bad values are InvalidArgs naming the key and the expected type")
    func invalidOptions() async throws {
        try await G.with { gateway in
            let bystander = try await OwnClient.connect(gateway)
            let survivor = try await bystander.startSession()
            let cases: [(options: String, message: String)] = [
                ("{'model': <uint32 5>}", #"Option "model" must be of type s, got u"#),
                ("{'temperature': <'hot'>}", #"Option "temperature" must be of type d, got s"#),
                ("{'detached': <'yes'>}", #"Option "detached" must be of type b, got s"#),
                ("{'vad': <'off'>}", #"Option "vad" must be of type a{sv}, got s"#),
                ("{'idle_timeout': <int32 -1>}", #"Option "idle_timeout" must be of type u, got i"#),
                ("{'colour': <'blue'>}", "Unknown option(s) colour; known: activity_handling, audio_chunk_ms"),
                ("{'vad': <{'loudness': <'high'>}>}", #"Unknown key(s) in option "vad": loudness"#),
                ("{'response_modality': <'VIDEO'>}", #"Option "response_modality" must be "AUDIO" or "TEXT", got "VIDEO""#),
                ("{'tools': <'not json'>}", #"Option "tools" is not valid JSON function declarations"#),
                ("{'handle_token': <'bad-token!'>}", #"Option "handle_token" must be 1 to 64 characters of A-Z, a-z, 0-9 and _, got "bad-token!""#),
                ("{'handle_token': <''>}", #"Option "handle_token" must be 1 to 64 characters"#),
                ("{'model': <''>}", #"Option "model" must not be empty"#),
            ]
            for (options, message) in cases {
                let error = try await Self.startSessionError(gateway, options)
                #expect(error?.name == "org.freedesktop.DBus.Error.InvalidArgs", "\(options): \(String(describing: error))")
                #expect(error?.message.contains(message) == true, "\(options): \(error?.message ?? "no error")")
            }
            let wrongSignature = try await ClientTool.run(
                ["dbus-send", "--bus=\(gateway.bus.address)", "--print-reply", "--dest=\(G.name)", G.manager,
                 "\(G.managerInterface).StartSession", "string:model"], bus: gateway.bus)
            #expect(wrongSignature.stderr.contains("org.freedesktop.DBus.Error.InvalidArgs"), "\(wrongSignature.stderr)")
            try await expectStillServing(gateway, bystander, survivor)
        }
    }

    @Test("SendText: empty and 1 MiB + 1 byte are InvalidArgs, exactly 1 MiB is sent; wrong argument types are InvalidArgs")
    func textLimits() async throws {
        try await G.with { gateway in
            let owner = try await OwnClient.connect(gateway)
            let path = try await owner.startSession()
            let empty = await #expect(throws: DBusError.self) { try await owner.call(path, "SendText", [.string("")]) }
            #expect(empty?.name == .invalidArgs)
            #expect(empty?.message.contains("non-empty") == true)
            let tooLong = await #expect(throws: DBusError.self) {
                try await owner.call(path, "SendText", [.string(String(repeating: "a", count: (1 << 20) + 1))])
            }
            #expect(tooLong?.name == .invalidArgs)
            #expect(tooLong?.message.contains("1048577 bytes") == true, "\(tooLong?.message ?? "")")
            try await owner.call(path, "SendText", [.string(String(repeating: "a", count: 1 << 20))])
            let sent = await eventually {
                gateway.simulator.recorder.connections.last?.frames.contains { $0.bytes.count > 1 << 20 } == true
            }
            #expect(sent, "the 1 MiB turn reached the service")
            let wrongType = await #expect(throws: DBusError.self) { try await owner.call(path, "SendText", [.uint32(5)]) }
            #expect(wrongType?.name == .invalidArgs)
            let dbusSend = try await ClientTool.run(
                ["dbus-send", "--bus=\(gateway.bus.address)", "--print-reply", "--dest=\(G.name)", path,
                 "\(G.sessionInterface).SendText", "int32:5"], bus: gateway.bus)
            #expect(dbusSend.stderr.contains("org.freedesktop.DBus.Error.InvalidArgs"), "\(dbusSend.stderr)")

            let unknownCall = await #expect(throws: DBusError.self) {
                try await owner.call(path, "SendToolResponse", [.string("nope"), .string("{}"), [String: DBusValue]().dbusValue])
            }
            #expect(unknownCall?.name == .invalidArgs)
            #expect(unknownCall?.message.contains(#"No pending tool call has id "nope""#) == true)
            let badOption = await #expect(throws: DBusError.self) {
                try await owner.call(
                    path, "SendToolResponse", [.string("nope"), .string("{}"), ["urgency": DBusValue.string("high")].dbusValue])
            }
            #expect(badOption?.message.contains("Unknown option(s) urgency") == true)
            try await owner.call(path, "Close")
            await owner.close()
        }
    }

    @Test("unknown session paths are UnknownObject; calls after Close are NotFound saying when and why it closed")
    func closedAndUnknownSessions() async throws {
        try await G.with { gateway in
            let unknown = try await gateway.gdbus("\(G.manager)/session/999", G.sessionInterface, "SendText", "'hi'")
            #expect(GDBusError(unknown)?.name == "org.freedesktop.DBus.Error.UnknownObject", "\(unknown.stderr)")
            let unknownProperty = try await gateway.bus.busctl("get-property", G.name, "\(G.manager)/session/999", G.sessionInterface, "State")
            #expect(unknownProperty.status != 0)

            let owner = try await OwnClient.connect(gateway)
            let path = try await owner.startSession()
            try await owner.call(path, "Close")
            let right = await #expect(throws: DBusError.self) { try await owner.call(path, "SendText", [.string("too late")]) }
            let acceptable: Set<DBusError.Name> = [GatewayError.invalidState, GatewayError.notFound, .unknownObject]
            #expect(right.map { acceptable.contains($0.name) } == true, "\(String(describing: right))")
            let gone = await eventually { (try? await gateway.listSessions())?.isEmpty == true }
            #expect(gone)
            // Within the closed-session log's retention, the path says when and why it closed.
            let later = await #expect(throws: DBusError.self) { try await owner.call(path, "Close") }
            #expect(later?.name == GatewayError.notFound)
            #expect(later?.message.contains("The session \(path) was closed at ") == true, "\(String(describing: later))")
            #expect(later?.message.contains("by its owner \(owner.uniqueName)") == true, "\(String(describing: later))")
            #expect(later?.message.contains("with Close().") == true, "\(String(describing: later))")
            await owner.close()
        }
    }

    @Test("preflight failure is InvalidConfig with the preflight message; a refused model is ConnectionFailed with code, reason and explanation")
    func refusals() async throws {
        try await G.with { gateway in
            let bystander = try await OwnClient.connect(gateway)
            let survivor = try await bystander.startSession()

            let retired = try #require(try await Self.startSessionError(gateway, "{'model': <'gemini-2.0-flash-live-001'>}"))
            #expect(retired.name == "io.github.geminilive.Gateway1.Error.InvalidConfig")
            #expect(retired.message.contains("gemini-2.0-flash-live-001") && retired.message.contains("gemini-3.8-live"), "\(retired.message)")

            let textOnAudio = try #require(try await Self.startSessionError(gateway, "{'response_modality': <'TEXT'>}"))
            #expect(textOnAudio.name == "io.github.geminilive.Gateway1.Error.InvalidConfig", "\(textOnAudio)")

            let unknown = try #require(try await Self.startSessionError(gateway, "{'model': <'gemini-9.9-imaginary-live'>}"))
            #expect(unknown.name == "io.github.geminilive.Gateway1.Error.ConnectionFailed", "\(unknown)")
            #expect(unknown.message.contains("1008"), "\(unknown.message)")
            #expect(unknown.message.contains("is not found for API version"), "the service's reason: \(unknown.message)")
            #expect(unknown.message.contains("Use a current Live model"), "the explanation: \(unknown.message)")
            #expect(gateway.logs.text.contains("preflight"), "preflight only warned about the unknown model")
            try await expectStillServing(gateway, bystander, survivor)
        }
    }

    @Test("a caller over the session limit gets LimitExceeded")
    func limit() async throws {
        try await G.with(configure: { $0.maxSessionsPerOwner = 2 }) { gateway in
            let owner = try await OwnClient.connect(gateway)
            _ = try await owner.startSession()
            _ = try await owner.startSession()
            let third = await #expect(throws: DBusError.self) { try await owner.startSession() }
            #expect(third?.name == GatewayError.limitExceeded)
            #expect(third?.message.contains("Close()") == true)
            await owner.close()
        }
    }

    @Test("setupComplete withheld: Timeout after setupTimeout; the next session works")
    func setupTimeout() async throws {
        try await G.with(configure: { $0.client?.setupTimeout = .seconds(1) }) { gateway in
            gateway.simulator.enqueueFaults(FaultScript(withholdsSetupComplete: true))
            let error = try #require(try await Self.startSessionError(gateway, "@a{sv} {}"))
            #expect(error.name == "io.github.geminilive.Gateway1.Error.Timeout", "\(error)")
            #expect(error.message.contains("No setupComplete within 1"), "\(error.message)")
            let freed = await eventually { (try? await gateway.listSessions())?.isEmpty == true }
            #expect(freed)
            let owner = try await OwnClient.connect(gateway)
            let path = try await owner.startSession()
            try await expectStillServing(gateway, owner, path)
        }
    }

    @Test("no key configured: NotConfigured says how to set one")
    func notConfigured() async throws {
        try await G.with(configure: { $0.client = nil }) { gateway in
            let error = try #require(try await Self.startSessionError(gateway, "@a{sv} {}"))
            #expect(error.name == "io.github.geminilive.Gateway1.Error.NotConfigured")
            #expect(error.message.contains("GEMINI_API_KEY") && error.message.contains("chmod 600"), "\(error.message)")
            #expect(try await gateway.listSessions().isEmpty)
        }
    }
}

/// The session at `path`, owned by `owner`, still takes a turn: the gateway kept serving.
func expectStillServing(_ gateway: GatewayHarness, _ owner: OwnClient, _ path: String) async throws {
    let before = number(try await gateway.property(path, GatewayHarness.sessionInterface, "Turn").data) ?? 0
    try await owner.call(path, "SendText", [.string("still serving?")])
    let turned = await eventually {
        (try? await gateway.property(path, GatewayHarness.sessionInterface, "Turn").data).flatMap(number) == before + 1
    }
    #expect(turned, "the concurrent session still works")
}
