import Foundation
import Testing

@testable import LiveProtocol

/// The raw-JSON schema check finds what the service's proto-JSON parser rejects, at the path and
/// with the text the service uses, and accepts everything the official SDK sends.
@Suite struct MessageSchemaTests {
    static func violation(_ text: String) throws -> MessageSchema.Violation? {
        MessageSchema.clientMessage.firstViolation(in: try parse(text), path: "")
    }

    @Test func sdkFramesHaveNoViolations() throws {
        for frame in CapturedFramesTests.sdkFrames + [
            CapturedFramesTests.sdkSetup, CapturedFramesTests.noConfigSetup, CapturedFramesTests.v1alphaSetup,
        ] {
            #expect(try Self.violation(frame) == nil, "\(frame.prefix(80))")
        }
    }

    @Test func ourOwnFramesHaveNoViolations() throws {
        let messages: [ClientMessage] = [
            .setup(ClientMessageRoundTripTests.fullSetup),
            .setup(SessionConfiguration().setup(for: LiveEndpoint(credential: .none))),
            .clientContent(.userText("hi")),
            .realtimeInput(.audio(.pcm(Data([0, 1]), sampleRate: 16_000))),
            .realtimeInput(RealtimeInput(activityStart: EmptyObject())),
            .toolResponse(ToolResponse(functionResponses: [FunctionResponse(id: "c", name: "f", response: ["any_key": 1])])),
            .contextUpdate(ContextUpdate(systemInstruction: .text("x"), tools: [])),
        ]
        for message in messages {
            let json = try parse(try message.encoded())
            #expect(MessageSchema.clientMessage.firstViolation(in: json, path: "") == nil, "\(message.key)")
        }
    }

    @Test func fieldAtTheWrongLevel() throws {
        let found = try #require(try Self.violation(#"{"setup": {"model": "models/m", "responseModalities": ["AUDIO"]}}"#))
        #expect(found.kind == .unknownField(name: "responseModalities"))
        #expect(found.path == "setup")
        #expect(
            found.serviceReason(apiVersion: "v1beta")
                == #"Invalid JSON payload received. Unknown name "responseModalities" at 'setup': Cannot find field."#)
    }

    @Test func setupFieldsWithoutTheWrapper() throws {
        let found = try #require(try Self.violation(#"{"model": "models/m", "generationConfig": {}}"#))
        #expect(found.kind == .unknownField(name: "generationConfig"))
        #expect(found.path == "")
    }

    @Test func nestedUnknownFieldUsesSnakeCasePath() throws {
        let found = try #require(
            try Self.violation(#"{"setup": {"model": "models/m", "inputAudioTranscription": {"automaticActivityDetection": {}}}}"#))
        #expect(found.kind == .unknownField(name: "automaticActivityDetection"))
        #expect(found.path == "setup.input_audio_transcription")
        #expect(
            found.serviceReason(apiVersion: "v1beta")
                == #"Invalid JSON payload received. Unknown name "automaticActivityDetection" at 'setup.input_audio_transcription': Cannot find field."#)

        let deep = try #require(
            try Self.violation(
                #"{"setup": {"model": "m", "generationConfig": {"speechConfig": {"voiceConfig": {"prebuiltVoiceConfig": {"voice": "Kore"}}}}}}"#))
        #expect(deep.kind == .unknownField(name: "voice"))
        #expect(deep.path == "setup.generation_config.speech_config.voice_config.prebuilt_voice_config")
    }

    @Test func pathsThroughListsCarryTheIndex() throws {
        let found = try #require(
            try Self.violation(#"{"clientContent": {"turns": [{"parts": [{"text": "a"}]}, {"parts": [{"txt": "b"}]}]}}"#))
        #expect(found.kind == .unknownField(name: "txt"))
        #expect(found.path == "client_content.turns[1].parts[0]")
    }

    @Test func snakeCaseKeysAreKnownAndNamedAsSent() throws {
        #expect(try Self.violation(#"{"client_content": {"turns": [], "turn_complete": true}}"#) == nil)
        let found = try #require(try Self.violation(#"{"realtime_input": {"audio_chunk": {}}}"#))
        #expect(found.kind == .unknownField(name: "audio_chunk"))
        #expect(found.path == "realtime_input")
    }

    @Test func bareStringSystemInstruction() throws {
        let found = try #require(try Self.violation(#"{"setup": {"model": "models/m", "systemInstruction": "Be nice"}}"#))
        #expect(found.kind == .notAMessage(typeName: "Content", value: #""Be nice""#))
        #expect(found.path == "setup.system_instruction")
        #expect(
            found.serviceReason(apiVersion: "v1alpha")
                == #"Invalid value at 'setup.system_instruction' (type.googleapis.com/google.ai.generativelanguage.v1alpha.Content), "Be nice""#)
        // The explanation recognises the service's text.
        #expect(CloseExplanation.explain(code: 1007, reason: found.serviceReason(apiVersion: "v1alpha")).category == .invalidSystemInstruction)
    }

    @Test func callerOwnedFieldsAreNotChecked() throws {
        #expect(
            try Self.violation(
                #"{"tool_response": {"functionResponses": [{"id": "c", "name": "f", "response": {"anything_goes": {"deep_key": 1}}}]}}"#)
                == nil)
        #expect(
            try Self.violation(
                #"{"setup": {"model": "m", "tools": [{"functionDeclarations": [{"name": "f", "parameters": {"custom_thing": 1}}]}]}}"#)
                == nil)
    }

    @Test func firstViolationIsInSortedKeyOrder() throws {
        let found = try #require(try Self.violation(#"{"setup": {"zeta": 1, "alpha": 2, "model": "m"}}"#))
        #expect(found.kind == .unknownField(name: "alpha"))
    }

    @Test func serviceTextsAreExplainedAsUnknownField() throws {
        let found = try #require(try Self.violation(#"{"setup": {"model": "m", "generationConfig": {"voiceName": "Kore"}}}"#))
        let reason = truncatedReason(found.serviceReason(apiVersion: "v1beta"))
        #expect(CloseExplanation.explain(code: 1007, reason: reason).category == .unknownField)
    }

    @Test func snakeCase() {
        #expect(MessageSchema.snakeCase("generationConfig") == "generation_config")
        #expect(MessageSchema.snakeCase("prefixPaddingMs") == "prefix_padding_ms")
        #expect(MessageSchema.snakeCase("already_snake") == "already_snake")
        #expect(MessageSchema.snakeCase("model") == "model")
    }
}
