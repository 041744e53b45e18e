import Foundation
import Testing

@testable import LiveProtocol

/// Every server message of the protocol reference decodes, and encodes the way the service sends it.
@Suite struct ServerMessageDecodingTests {
    /// Encodes like the service, checks the service's JSON conventions, decodes, and returns the JSON.
    @discardableResult
    func serviceRoundTrip(_ message: ServerMessage, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        let data = try message.encodedLikeService()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasSuffix("}\n"), "frames end with a newline", sourceLocation: sourceLocation)
        #expect(text.contains("\n  \""), "frames are pretty-printed", sourceLocation: sourceLocation)
        let json = try parse(data)
        let snakeKeys = protocolKeys(in: json).filter { $0.split(separator: ".").last!.contains("_") }
        #expect(snakeKeys.isEmpty, "snake_case keys: \(snakeKeys)", sourceLocation: sourceLocation)
        for payload in base64Payloads(in: json) {
            #expect(!payload.contains("-") && !payload.contains("_"), sourceLocation: sourceLocation)
        }
        #expect(try ServerMessage.decode(data) == message, sourceLocation: sourceLocation)
        return json
    }

    @Test func setupComplete() throws {
        let json = try serviceRoundTrip(ServerMessage(setupComplete: SetupComplete()))
        #expect(json == ["setupComplete": [:]])
        let decoded = try ServerMessage.decode(Data(#"{"setupComplete":{}}"#.utf8))
        #expect(decoded.setupComplete == SetupComplete())
        #expect(!decoded.isEmpty)
        #expect(try serviceRoundTrip(ServerMessage(setupComplete: SetupComplete(sessionId: "s-1"))) == ["setupComplete": ["sessionId": "s-1"]])
    }

    @Test func modelTurnWithAudioAndText() throws {
        let pcm = sampleBytes(4800)
        let message = ServerMessage(
            serverContent: ServerContent(
                modelTurn: Content(
                    role: "model",
                    parts: [
                        Part(inlineData: .pcm(pcm, sampleRate: 24_000)),
                        Part(text: "Hello there"),
                        Part(text: "thinking…", thought: true),
                    ])))
        let json = try serviceRoundTrip(message)
        #expect(value(json, "serverContent", "modelTurn", "role") == "model")
        #expect(value(json, "serverContent", "modelTurn", "parts", 0, "inlineData", "mimeType") == "audio/pcm;rate=24000")
        #expect(value(json, "serverContent", "modelTurn", "parts", 0, "inlineData", "data") == .string(pcm.base64EncodedString()))
        #expect(value(json, "serverContent", "modelTurn", "parts", 2, "thought") == true)
        let decoded = try ServerMessage.decode(try message.encodedLikeService())
        let audio = try #require(decoded.serverContent?.modelTurn?.parts.first?.inlineData)
        #expect(audio.data == pcm)
        #expect(audio.pcmSampleRate == 24_000)
    }

    @Test func turnEvents() throws {
        #expect(try serviceRoundTrip(ServerMessage(serverContent: ServerContent(generationComplete: true))) == ["serverContent": ["generationComplete": true]])
        #expect(try serviceRoundTrip(ServerMessage(serverContent: ServerContent(turnComplete: true))) == ["serverContent": ["turnComplete": true]])
        #expect(try serviceRoundTrip(ServerMessage(serverContent: ServerContent(interrupted: true))) == ["serverContent": ["interrupted": true]])
        var content = ServerContent(turnComplete: true)
        content.turnCompleteReason = .needMoreInput
        content.waitingForInput = true
        content.interactionStatus = "IDLE"
        #expect(
            try serviceRoundTrip(ServerMessage(serverContent: content))
                == ["serverContent": ["turnComplete": true, "turnCompleteReason": "NEED_MORE_INPUT", "waitingForInput": true, "interactionStatus": "IDLE"]])
    }

    @Test func transcriptions() throws {
        let input = try serviceRoundTrip(ServerMessage(serverContent: ServerContent(inputTranscription: Transcription(text: "what's the"))))
        #expect(input == ["serverContent": ["inputTranscription": ["text": "what's the"]]])
        let output = try serviceRoundTrip(
            ServerMessage(serverContent: ServerContent(outputTranscription: Transcription(text: "It is sunny.", finished: true))))
        #expect(output == ["serverContent": ["outputTranscription": ["text": "It is sunny.", "finished": true]]])
    }

    @Test func toolCallKeepsArguments() throws {
        let message = ServerMessage(
            toolCall: ToolCall(functionCalls: [
                FunctionCall(id: "call-1", name: "get_weather", args: ["city_name": "Paris", "days": 3]),
                FunctionCall(id: "call-2", name: "get_time", args: [:]),
            ]))
        let json = try serviceRoundTrip(message)
        #expect(value(json, "toolCall", "functionCalls", 0) == ["id": "call-1", "name": "get_weather", "args": ["city_name": "Paris", "days": 3]])
        #expect(value(json, "toolCall", "functionCalls", 1, "name") == "get_time")
    }

    @Test func toolCallCancellation() throws {
        #expect(try serviceRoundTrip(ServerMessage(toolCallCancellation: ToolCallCancellation(ids: ["call-1", "call-2"]))) == ["toolCallCancellation": ["ids": ["call-1", "call-2"]]])
    }

    @Test func goAwayCarriesADurationString() throws {
        let json = try serviceRoundTrip(ServerMessage(goAway: GoAway(timeLeft: ProtoDuration(seconds: 50))))
        #expect(json == ["goAway": ["timeLeft": "50s"]])
        let fractional = try serviceRoundTrip(ServerMessage(goAway: GoAway(timeLeft: ProtoDuration(seconds: 0.5))))
        #expect(fractional == ["goAway": ["timeLeft": "0.5s"]])
    }

    @Test func sessionResumptionUpdateSendsInt64AsString() throws {
        let json = try serviceRoundTrip(
            ServerMessage(
                sessionResumptionUpdate: SessionResumptionUpdate(
                    newHandle: "handle-2", resumable: true, lastConsumedClientMessageIndex: 123_456_789)))
        #expect(json == ["sessionResumptionUpdate": ["newHandle": "handle-2", "resumable": true, "lastConsumedClientMessageIndex": "123456789"]])
        // Not resumable during a generation: empty handle.
        let pending = try serviceRoundTrip(ServerMessage(sessionResumptionUpdate: SessionResumptionUpdate(newHandle: "", resumable: false)))
        #expect(pending == ["sessionResumptionUpdate": ["newHandle": "", "resumable": false]])
    }

    @Test func usageMetadataRidesOnTheTurnCompleteFrame() throws {
        let usage = UsageMetadata(
            promptTokenCount: 120, responseTokenCount: 48, totalTokenCount: 168,
            promptTokensDetails: [ModalityTokenCount(modality: .audio, tokenCount: 100), ModalityTokenCount(modality: .text, tokenCount: 20)],
            responseTokensDetails: [ModalityTokenCount(modality: .audio, tokenCount: 48)])
        let message = ServerMessage(serverContent: ServerContent(turnComplete: true), usageMetadata: usage)
        let json = try serviceRoundTrip(message)
        #expect(Set(try #require(json.objectValue).keys) == ["serverContent", "usageMetadata"])
        #expect(value(json, "usageMetadata", "responseTokenCount") == 48)
        #expect(value(json, "usageMetadata", "candidatesTokenCount") == nil)
        #expect(value(json, "usageMetadata", "promptTokensDetails", 0) == ["modality": "AUDIO", "tokenCount": 100])

        let wire = #"""
            {
              "serverContent": {
                "turnComplete": true
              },
              "usageMetadata": {
                "promptTokenCount": 120,
                "cachedContentTokenCount": "5",
                "responseTokenCount": 48,
                "toolUsePromptTokenCount": 0,
                "thoughtsTokenCount": 7,
                "totalTokenCount": 168,
                "promptTokensDetails": [{"modality": "AUDIO", "tokenCount": 100}, {"modality": "TEXT", "tokenCount": "20"}],
                "cacheTokensDetails": [{"modality": "TEXT", "tokenCount": 5}],
                "responseTokensDetails": [{"modality": "AUDIO", "tokenCount": 48}],
                "toolUsePromptTokensDetails": []
              }
            }

            """#
        let decoded = try ServerMessage.decode(Data(wire.utf8))
        #expect(decoded.serverContent?.turnComplete == true)
        let metadata = try #require(decoded.usageMetadata)
        #expect(metadata.promptTokenCount == 120)
        #expect(metadata.cachedContentTokenCount == 5)
        #expect(metadata.responseTokenCount == 48)
        #expect(metadata.toolUsePromptTokenCount == 0)
        #expect(metadata.thoughtsTokenCount == 7)
        #expect(metadata.totalTokenCount == 168)
        #expect(metadata.promptTokensDetails == [ModalityTokenCount(modality: .audio, tokenCount: 100), ModalityTokenCount(modality: .text, tokenCount: 20)])
        #expect(metadata.cacheTokensDetails == [ModalityTokenCount(modality: .text, tokenCount: 5)])
        #expect(metadata.toolUsePromptTokensDetails == [])
    }

    @Test func voiceActivityDecodes() throws {
        let decoded = try ServerMessage.decode(Data(#"{"voiceActivity": {"voiceActivityType": "ACTIVITY_START"}}"#.utf8))
        #expect(decoded.voiceActivity?.voiceActivityType == "ACTIVITY_START")
        #expect(!decoded.isEmpty)
    }

    @Test func groundingMetadataIsKept() throws {
        let decoded = try ServerMessage.decode(
            Data(#"{"serverContent": {"groundingMetadata": {"webSearchQueries": ["weather paris"]}, "turnComplete": true}}"#.utf8))
        #expect(decoded.serverContent?.groundingMetadata?["webSearchQueries"] == ["weather paris"])
    }

    @Test func emptyMessageIsEmpty() throws {
        #expect(ServerMessage().isEmpty)
        #expect(!ServerMessage(goAway: GoAway(timeLeft: nil)).isEmpty)
        #expect(!ServerMessage(usageMetadata: UsageMetadata()).isEmpty)
    }
}
