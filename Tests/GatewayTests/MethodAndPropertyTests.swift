import BusTestSupport
import DBusService
import Foundation
import Gateway
import LiveProtocol
import LiveSimulator
import Testing

@Suite("Every method through busctl, every property through busctl get-property")
struct MethodAndPropertyTests {
    typealias G = GatewayHarness

    static let tools =
        #"[{"name": "get_weather", "description": "The weather in a city", "behavior": "BLOCKING", "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}}}]"#

    @Test("StartSession with many options, ListSessions, SendText, SendToolResponse, Close; all properties")
    func everyMethodAndProperty() async throws {
        try await G.with { gateway in
            let monitor = try await gateway.monitorSignals()
            let path = try await gateway.startSession([
                "13",
                "model", "s", LiveModel.defaultID,
                "voice", "s", "Kore",
                "language", "s", "en-US",
                "system_instruction", "s", "Answer briefly.",
                "response_modality", "s", "AUDIO",
                "input_transcription", "b", "true",
                "output_transcription", "b", "true",
                "vad", "a{sv}", "2", "start_sensitivity", "s", "high", "silence_duration_ms", "u", "500",
                "activity_handling", "s", "interrupts",
                "tools", "s", Self.tools,
                "temperature", "d", "0.7",
                "context_compression", "b", "true",
                "detached", "b", "true",
            ])
            #expect(path.hasPrefix("\(G.manager)/session/"))
            #expect(try await gateway.listSessions() == [path])

            let setup = try #require(gateway.simulator.recorder.connections.last?.frames.first?.text)
            for fragment in ["\"Kore\"", "\"en-US\"", "Answer briefly.", "\"temperature\":0.7", "get_weather", "START_SENSITIVITY_HIGH", "500"] {
                #expect(setup.contains(fragment), "setup has \(fragment): \(setup)")
            }

            // Manager properties.
            #expect(try await gateway.property(G.manager, G.managerInterface, "Version").data as? String == GatewayConfiguration.currentVersion)
            #expect(try await gateway.property(G.manager, G.managerInterface, "Sessions").data as? [String] == [path])
            #expect(try await gateway.property(G.manager, G.managerInterface, "DefaultModel").data as? String == LiveModel.defaultID)
            #expect(try await gateway.property(G.manager, G.managerInterface, "Backend").data as? String == "simulator \(gateway.simulatorAddress.baseURL)")

            // Session properties.
            #expect(try await gateway.sessionString(path, "State") == "active")
            #expect(try await gateway.sessionString(path, "Model") == LiveModel.defaultID)
            #expect(try await gateway.sessionString(path, "Owner")?.hasPrefix(":1.") == true)
            #expect(try await gateway.property(path, G.sessionInterface, "Turn").type == "t")
            #expect(try await gateway.sessionString(path, "LastError") == "")
            #expect(try await gateway.sessionString(path, "InputNode") == "")
            #expect(try await gateway.sessionString(path, "OutputNode") == "")

            // A tool call (the simulator calls a declared function named in the text) and its response.
            try await gateway.call(path, G.sessionInterface, "SendText", "s", #"call get_weather {"city": "Paris"}"#)
            let called = await eventually { monitor.stdout.contains("member=ToolCall") }
            #expect(called, "\(monitor.stdout)")
            let toolCall = try #require(MonitorLog(monitor.stdout).signals(G.sessionInterface, "ToolCall").first)
            let callValues = toolCall.values("string")
            #expect(callValues.count == 3)
            #expect(callValues.dropFirst().first == "get_weather")
            #expect(callValues.last?.contains("Paris") == true)
            let callID = try #require(callValues.first)
            try await gateway.call(
                path, G.sessionInterface, "SendToolResponse", "ssa{sv}", callID, #"{"temperature": 20}"#, "1", "will_continue", "b", "false")
            let answered = await eventually { (try? await gateway.property(path, G.sessionInterface, "Turn").data).flatMap(number) == 1 }
            #expect(answered)
            let words = MonitorLog(monitor.stdout).signals(G.sessionInterface, "OutputTranscription").compactMap { $0.values("string").first }.joined()
            #expect(words.contains("get_weather returned"), "\(words)")
            let toolResponse = gateway.simulator.recorder.connections.last?.frames.compactMap(\.text).first { $0.contains("toolResponse") }
            #expect(toolResponse?.contains(callID) == true)

            let usage = try await gateway.property(path, G.sessionInterface, "Usage")
            #expect(usage.type == "a{sv}")
            let usageText = "\(usage.data)"
            #expect(usageText.contains("total_tokens") && usageText.contains("prompt_text_tokens"), "\(usageText)")

            try await gateway.call(path, G.sessionInterface, "Close")
            let gone = await eventually { (try? await gateway.listSessions())?.isEmpty == true }
            #expect(gone)
            _ = await monitor.stop()
        }
    }

    @Test("Interrupt cuts the reply: Interrupted once, the rest of the turn's fragments and GenerationComplete dropped")
    func interrupt() async throws {
        let slow = SimulatorConfiguration(pacing: VoicePacing(speedFactor: 8, waitsForPlayback: false))
        try await G.with(simulator: slow) { gateway in
            let monitor = try await gateway.monitorSignals()
            let path = try await gateway.startSession(["1", "detached", "b", "true"])
            let text = (1...40).map { "word\($0)" }.joined(separator: " ")
            try await gateway.call(path, G.sessionInterface, "SendText", "s", text)
            let speaking = await eventually { monitor.stdout.contains("member=OutputTranscription") }
            #expect(speaking)
            try await gateway.call(path, G.sessionInterface, "Interrupt")
            let ended = await eventually { monitor.stdout.contains("member=TurnComplete") }
            #expect(ended)
            let log = MonitorLog(await monitor.stop().stdout)
            let members = log.signals(G.sessionInterface).map(\.member)
            let interrupted = try #require(members.firstIndex(of: "Interrupted"), "\(members)")
            #expect(members.filter { $0 == "Interrupted" }.count == 1)
            #expect(log.signals(G.sessionInterface, "Interrupted").first?.values("uint64") == ["0"])
            #expect(!members[interrupted...].contains("OutputTranscription"), "\(members)")
            #expect(!members.contains("GenerationComplete"), "\(members)")
            #expect(members.last == "TurnComplete")
            #expect(number(try await gateway.property(path, G.sessionInterface, "Turn").data) == 1)

            // Interrupt with nothing playing is accepted and emits nothing.
            try await gateway.call(path, G.sessionInterface, "Interrupt")
            try await gateway.call(path, G.sessionInterface, "Close")
        }
    }

    @Test("Interrupt with voice-activity detection disabled sends activityStart")
    func interruptManualActivity() async throws {
        try await G.with { gateway in
            let path = try await gateway.startSession(["2", "detached", "b", "true", "vad", "a{sv}", "1", "disabled", "b", "true"])
            try await gateway.call(path, G.sessionInterface, "Interrupt")
            let sent = await eventually {
                gateway.simulator.recorder.connections.last?.frames.compactMap(\.text).contains { $0.contains("activityStart") } == true
            }
            #expect(sent)
            try await gateway.call(path, G.sessionInterface, "Close")
        }
    }

    @Test("handle_token gives the predictable path /…/session/<sender>_<token>")
    func handleToken() async throws {
        try await G.with { gateway in
            let client = try await OwnClient.connect(gateway)
            let path = try await client.startSession(["handle_token": .string("my_token_1")])
            let expected = "\(G.manager)/session/\(client.uniqueName.dropFirst().replacingOccurrences(of: ".", with: "_"))_my_token_1"
            #expect(path == expected)
            #expect(try await gateway.listSessions() == [path])
            await client.close()
            let gone = await eventually { (try? await gateway.listSessions())?.isEmpty == true }
            #expect(gone)
        }
    }
}
