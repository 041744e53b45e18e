import Foundation
import Testing

@testable import LiveProtocol

/// Decoding accepts what real peers send: either key casing, either base64 alphabet, int64 as
/// string or number, Duration strings, unknown fields; and never rewrites caller-owned keys.
@Suite struct TolerantDecodingTests {
    // MARK: Base64

    @Test func urlSafeBase64() {
        #expect(Base64.decode("_9j_") == Data([0xFF, 0xD8, 0xFF]))
        #expect(Base64.decode("/9j/") == Data([0xFF, 0xD8, 0xFF]))
        #expect(Base64.decode("-_-_") == Data([0xFB, 0xFF, 0xBF]))
    }

    @Test func unpaddedAndPaddedBase64() {
        #expect(Base64.decode("AAE=") == Data([0, 1]))
        #expect(Base64.decode("AAE") == Data([0, 1]))
        #expect(Base64.decode("AA") == Data([0]))
        #expect(Base64.decode("") == Data())
        #expect(Base64.decode("AAECAw\n==") == Data([0, 1, 2, 3]))
    }

    @Test func invalidBase64IsRejected() {
        #expect(Base64.decode("A") == nil)
        #expect(Base64.decode("not base64!") == nil)
        // Foundation alone decodes these to garbage.
        #expect(Base64.decode("AA=A") == nil)
        #expect(Base64.decode("AB=C") == nil)
        #expect(Base64.decode("A===") == nil)
        #expect(Base64.decode("_9=j_") == nil)
    }

    @Test func base64EncodesStandardAlphabet() {
        #expect(Base64.encode([0xFB, 0xFF, 0xBF]) == "+/+/")
        #expect(Base64.encode([0, 1]) == "AAE=")
    }

    @Test func invalidBlobDataFailsTheFrame() {
        #expect(throws: DecodingError.self) {
            try ClientMessage.decode(Data(#"{"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": "%%%"}}}"#.utf8))
        }
    }

    // MARK: Empty and unknown

    @Test func emptyServerFrameIsEmpty() throws {
        #expect(try ServerMessage.decode(Data("{}".utf8)).isEmpty)
        #expect(try ServerMessage.decode(Data("{\n}\n".utf8)).isEmpty)
    }

    @Test func unknownFieldsAreIgnored() throws {
        let frame = #"""
            {"serverContent": {"someFutureField": {"deep": [1, 2]}, "turnComplete": true,
              "modelTurn": {"role": "model", "parts": [{"text": "hi", "futurePartField": 1}], "futureContentField": "x"}},
             "futureTopLevel": {"a": 1}}
            """#
        let message = try ServerMessage.decode(Data(frame.utf8))
        #expect(message.serverContent?.turnComplete == true)
        #expect(message.serverContent?.modelTurn == Content(role: "model", parts: [Part(text: "hi")]))
        #expect(message.unrecognizedFields == ["futureTopLevel"])
        // A frame of only new members is kept and names them: nothing is dropped unseen.
        let newOnly = try ServerMessage.decode(Data(#"{"somethingNew": {"x": 1}}"#.utf8))
        #expect(!newOnly.isEmpty)
        #expect(newOnly.unrecognizedFields == ["somethingNew"])
    }

    @Test func unknownEnumValuesAreKept() throws {
        let message = try ServerMessage.decode(Data(#"{"serverContent": {"turnComplete": true, "turnCompleteReason": "SOMETHING_NEW"}}"#.utf8))
        #expect(message.serverContent?.turnCompleteReason?.rawValue == "SOMETHING_NEW")
        let modality = try ServerMessage.decode(
            Data(#"{"usageMetadata": {"promptTokensDetails": [{"modality": "audio", "tokenCount": 1}]}}"#.utf8))
        #expect(modality.usageMetadata?.promptTokensDetails?.first?.modality == .audio)
    }

    // MARK: Key casing

    @Test func snakeCaseProtocolKeysAreUnderstood() throws {
        let frame = #"""
            {"server_content": {"model_turn": {"parts": [{"inline_data": {"mime_type": "audio/pcm;rate=24000", "data": "AAE="}}]},
              "turn_complete": true, "generation_complete": true, "output_transcription": {"text": "hi", "finished": true}},
             "usage_metadata": {"total_token_count": "12", "response_tokens_details": [{"modality": "AUDIO", "token_count": 3}]}}
            """#
        let message = try ServerMessage.decode(Data(frame.utf8))
        let content = try #require(message.serverContent)
        #expect(content.modelTurn?.parts.first?.inlineData == Blob(mimeType: "audio/pcm;rate=24000", data: Data([0, 1])))
        #expect(content.turnComplete == true)
        #expect(content.generationComplete == true)
        #expect(content.outputTranscription == Transcription(text: "hi", finished: true))
        #expect(message.usageMetadata?.totalTokenCount == 12)
        #expect(message.usageMetadata?.responseTokensDetails == [ModalityTokenCount(modality: .audio, tokenCount: 3)])
    }

    @Test func functionCallArgumentsAreNotRewritten() throws {
        let frame = #"""
            {"tool_call": {"function_calls": [{"id": "c1", "name": "get_weather",
              "args": {"city_name": "Paris", "unit_system": {"temp_unit": "C"}, "days_list": [{"day_index": 1}]}}]}}
            """#
        let message = try ServerMessage.decode(Data(frame.utf8))
        let call = try #require(message.toolCall?.functionCalls.first)
        #expect(call.id == "c1")
        #expect(call.name == "get_weather")
        #expect(call.args == ["city_name": "Paris", "unit_system": ["temp_unit": "C"], "days_list": [["day_index": 1]]])
        #expect(call.args?["cityName"] == nil)
    }

    @Test func toolResponseKeysAreNotRewritten() throws {
        let frame = #"""
            {"tool_response": {"function_responses": [{"id": "c1", "name": "get_weather", "will_continue": true,
              "response": {"temp_c": 20, "wind_info": {"speed_kmh": 5}}}]}}
            """#
        guard case .toolResponse(let response) = try ClientMessage.decode(Data(frame.utf8)) else {
            Issue.record("not a toolResponse")
            return
        }
        let first = try #require(response.functionResponses.first)
        #expect(first.willContinue == true)
        #expect(first.response == ["temp_c": 20, "wind_info": ["speed_kmh": 5]])
        // And they go back out verbatim.
        let json = try parse(try ClientMessage.toolResponse(response).encoded())
        #expect(value(json, "toolResponse", "functionResponses", 0, "response", "wind_info", "speed_kmh") == 5)
    }

    @Test func functionDeclarationSchemasAreNotRewritten() throws {
        let frame = #"""
            {"setup": {"model": "models/m", "tools": [{"function_declarations": [{"name": "f",
              "parameters": {"type": "OBJECT", "properties": {"city_name": {"type": "STRING"}}},
              "parameters_json_schema": {"properties": {"max_items": {"type": "integer"}}}}]}]}}
            """#
        guard case .setup(let setup) = try ClientMessage.decode(Data(frame.utf8)) else {
            Issue.record("not a setup")
            return
        }
        let declaration = try #require(setup.tools?.first?.functionDeclarations?.first)
        #expect(declaration.parameters?["properties"]?["city_name"] == ["type": "STRING"])
        #expect(declaration.parametersJsonSchema?["properties"]?["max_items"] == ["type": "integer"])
    }

    @Test func camelCaseConversion() {
        #expect(LiveJSON.camelCase("turn_complete") == "turnComplete")
        #expect(LiveJSON.camelCase("automatic_activity_detection") == "automaticActivityDetection")
        #expect(LiveJSON.camelCase("turnComplete") == "turnComplete")
        #expect(LiveJSON.camelCase("_private") == "_private")
        #expect(LiveJSON.camelCase("data") == "data")
    }

    // MARK: Scalars

    @Test(arguments: [#""7""#, "7", "7.0", #"" 7 ""#])
    func int64AsStringOrNumber(encoded: String) throws {
        let frame = #"{"sessionResumptionUpdate": {"newHandle": "h", "resumable": true, "lastConsumedClientMessageIndex": \#(encoded)}}"#
        let message = try ServerMessage.decode(Data(frame.utf8))
        #expect(message.sessionResumptionUpdate?.lastConsumedClientMessageIndex == 7)
    }

    @Test func largeInt64AsString() throws {
        let frame = #"{"sessionResumptionUpdate": {"lastConsumedClientMessageIndex": "9223372036854775807"}}"#
        #expect(try ServerMessage.decode(Data(frame.utf8)).sessionResumptionUpdate?.lastConsumedClientMessageIndex == Int64.max)
    }

    @Test func badInt64IsRejected() {
        #expect(throws: DecodingError.self) {
            try ServerMessage.decode(Data(#"{"sessionResumptionUpdate": {"lastConsumedClientMessageIndex": "seven"}}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try ServerMessage.decode(Data(#"{"sessionResumptionUpdate": {"lastConsumedClientMessageIndex": 1.5}}"#.utf8))
        }
    }

    @Test func int64InSetupAsString() throws {
        let frame = #"{"setup": {"model": "models/m", "contextWindowCompression": {"triggerTokens": "25600", "slidingWindow": {"targetTokens": 12800}}}}"#
        guard case .setup(let setup) = try ClientMessage.decode(Data(frame.utf8)) else {
            Issue.record("not a setup")
            return
        }
        #expect(setup.contextWindowCompression == ContextWindowCompression(triggerTokens: 25_600, slidingWindow: SlidingWindow(targetTokens: 12_800)))
    }

    @Test(arguments: [("10s", 10.0), ("0.5s", 0.5), ("1.000340012s", 1.000340012), ("50s", 50), ("0s", 0)])
    func durationStrings(text: String, seconds: Double) throws {
        #expect(ProtoDuration(text: text)?.seconds == seconds)
        let message = try ServerMessage.decode(Data(#"{"goAway": {"timeLeft": "\#(text)"}}"#.utf8))
        #expect(message.goAway?.timeLeft?.seconds == seconds)
        // And back to the same text.
        #expect(ProtoDuration(seconds: seconds).description == text)
    }

    @Test func durationAsNumberIsAccepted() throws {
        #expect(try ServerMessage.decode(Data(#"{"goAway": {"timeLeft": 30}}"#.utf8)).goAway?.timeLeft?.seconds == 30)
    }

    @Test func badDurationsAreRejected() {
        #expect(ProtoDuration(text: "10") == nil)
        #expect(ProtoDuration(text: "s") == nil)
        #expect(ProtoDuration(text: "ten s") == nil)
        #expect(throws: DecodingError.self) {
            try ServerMessage.decode(Data(#"{"goAway": {"timeLeft": "10 minutes"}}"#.utf8))
        }
    }

    // MARK: Client envelope

    @Test func clientFrameNeedsExactlyOneKey() {
        #expect(throws: DecodingError.self) { try ClientMessage.decode(Data("{}".utf8)) }
        #expect(throws: DecodingError.self) {
            try ClientMessage.decode(Data(#"{"clientContent": {"turns": []}, "realtimeInput": {"text": "x"}}"#.utf8))
        }
        #expect(throws: DecodingError.self) { try ClientMessage.decode(Data(#"{"model": "models/m"}"#.utf8)) }
    }

    @Test func clientContentDefaults() throws {
        // turnComplete omitted means false on the wire; the decoded value stays nil.
        guard case .clientContent(let content) = try ClientMessage.decode(Data(#"{"clientContent": {"turns": [{"parts": [{"text": "a"}]}]}}"#.utf8)) else {
            Issue.record("not clientContent")
            return
        }
        #expect(content.turnComplete == nil)
        #expect(content.turns == [Content(role: nil, parts: [Part(text: "a")])])
    }
}
