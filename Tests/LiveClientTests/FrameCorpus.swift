import Foundation
import LiveProtocol

/// Valid server frames for the decoder fuzzer to start from: the examples of the protocol reference (pretty-printed
/// like the service, snake_case variants as the tolerant decoder must take them) and frames encoded the way the
/// simulator's `FrameWriter` encodes them (``ServerMessage/encodedLikeService()``).
enum FrameCorpus {
    /// Every seed frame.
    static let frames: [[UInt8]] = examples.map { Array($0.utf8) } + encodedMessages.compactMap { try? Array($0.encodedLikeService()) }

    /// Frames as the protocol reference (§3, §4.1, §7) shows them.
    static let examples: [String] = [
        "{\n  \"setupComplete\": {}\n}\n",
        "{\n  \"setupComplete\": {\"sessionId\": \"test_session_id\"}\n}\n",
        "{}",
        #"{"serverContent": {"modelTurn": {"role": "model", "parts": [{"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": "AAABAAIAAwAEAAUABgAHAAgACQAKAAsADAANAA4ADwA="}}]}}}"#,
        #"{"serverContent": {"modelTurn": {"parts": [{"text": "thinking…", "thought": true}, {"text": "Hello there"}]}}}"#,
        #"{"serverContent": {"inputTranscription": {"text": "what's the weather", "finished": true}}}"#,
        #"{"serverContent": {"outputTranscription": {"text": "It is sunny"}}}"#,
        #"{"serverContent": {"generationComplete": true}}"#,
        #"{"serverContent": {"interrupted": true}}"#,
        #"{"serverContent": {"turnComplete": true, "turnCompleteReason": "NEED_MORE_INPUT", "waitingForInput": true}, "usageMetadata": {"promptTokenCount": 12, "responseTokenCount": "34", "totalTokenCount": 46, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 12}], "responseTokensDetails": [{"modality": "AUDIO", "tokenCount": 34}]}}"#,
        #"{"serverContent": {"groundingMetadata": {"webSearchQueries": ["weather"], "groundingChunks": [{"web": {"uri": "https://example.com"}}]}, "interactionStatus": "IDLE"}}"#,
        #"{"toolCall": {"functionCalls": [{"id": "call-1", "name": "get_weather", "args": {"city": "Paris", "days": 3, "units": {"temp_unit": "C"}, "flags": [true, null, 1.5]}}]}}"#,
        #"{"toolCallCancellation": {"ids": ["call-1", "call-2"]}}"#,
        #"{"goAway": {"timeLeft": "50s"}}"#,
        #"{"goAway": {"timeLeft": "0.5s"}}"#,
        #"{"sessionResumptionUpdate": {"newHandle": "Cj0KCWhhbmRsZS0xMhIw", "resumable": true, "lastConsumedClientMessageIndex": "123456789"}}"#,
        #"{"sessionResumptionUpdate": {"resumable": false, "newHandle": ""}}"#,
        #"{"usageMetadata": {"promptTokenCount": 5, "cachedContentTokenCount": 1, "toolUsePromptTokenCount": 2, "thoughtsTokenCount": 3, "totalTokenCount": 11}}"#,
        #"{"voiceActivity": {"voiceActivityType": "ACTIVITY_START"}}"#,
        #"{"server_content": {"turn_complete": true, "output_transcription": {"text": "snake"}}}"#,
        #"{"session_resumption_update": {"new_handle": "h", "last_consumed_client_message_index": 7}}"#,
        #"{"serverContent": {"modelTurn": {"parts": [{"inline_data": {"mime_type": "audio/pcm;rate=24000", "data": "_9j_AA-_"}}]}}}"#,
    ]

    /// Messages the simulator sends, encoded by the same call its `FrameWriter` makes.
    static let encodedMessages: [ServerMessage] = [
        ServerMessage(setupComplete: SetupComplete()),
        ServerMessage(
            serverContent: ServerContent(
                modelTurn: Content(
                    role: "model", parts: [Part(inlineData: .pcm(Data((0..<960).map { UInt8(truncatingIfNeeded: $0 * 7) }), sampleRate: 24000))]))),
        ServerMessage(serverContent: ServerContent(outputTranscription: Transcription(text: "Hello, world", finished: false))),
        ServerMessage(serverContent: ServerContent(inputTranscription: Transcription(text: "Bonjour à tous 👋", finished: true))),
        ServerMessage(
            serverContent: ServerContent(generationComplete: true, turnComplete: true),
            usageMetadata: UsageMetadata(
                promptTokenCount: 10, responseTokenCount: 20, totalTokenCount: 30,
                responseTokensDetails: [ModalityTokenCount(modality: .audio, tokenCount: 20)])),
        ServerMessage(
            toolCall: ToolCall(functionCalls: [
                FunctionCall(id: "call-7", name: "lookup", args: ["query": "swift", "limit": 5, "nested": ["a": [1, 2, 3]]])
            ])),
        ServerMessage(toolCallCancellation: ToolCallCancellation(ids: ["call-7"])),
        ServerMessage(goAway: GoAway(timeLeft: ProtoDuration(seconds: 10))),
        ServerMessage(
            sessionResumptionUpdate: SessionResumptionUpdate(
                newHandle: "handle-42", resumable: true, lastConsumedClientMessageIndex: 42)),
    ]
}
