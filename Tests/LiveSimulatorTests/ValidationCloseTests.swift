import Foundation
import LiveProtocol
import LiveSimulator
import NIOCore
import NIOWebSocket
import Testing
import WSCore

/// One frame a validation case sends.
enum ProbeFrame: Sendable, CustomStringConvertible {
    case text(String)
    case rawText([UInt8])
    case binary(String)

    var description: String {
        switch self {
        case .text(let text): "text \(text.prefix(60))"
        case .rawText(let bytes): "raw text \(bytes.count) bytes"
        case .binary(let text): "binary \(text.prefix(60))"
        }
    }
}

/// A frame sequence and the close the service answers it with.
struct ValidationCase: Sendable, CustomTestStringConvertible {
    var name: String
    var apiVersion = "v1beta"
    var frames: [ProbeFrame]
    var code: UInt16
    var reason: String
    var testDescription: String { name }
}

let liveSetup = #"{"setup": {"model": "models/gemini-3.8-live"}}"#
let manualSetup =
    #"{"setup": {"model": "models/gemini-3.8-live", "realtimeInputConfig": {"automaticActivityDetection": {"disabled": true}}}}"#

let validationCases: [ValidationCase] = [
    ValidationCase(
        name: "first frame not a setup",
        frames: [.text(#"{"clientContent": {"turnComplete": true}}"#)], code: 1007,
        reason: "Request contains an invalid argument."),
    ValidationCase(
        name: "two top-level keys",
        frames: [.text(#"{"setup": {"model": "models/gemini-3.8-live"}, "realtimeInput": {"text": "hi"}}"#)],
        code: 1007, reason: "Invalid value (oneof), oneof field 'message_type' is already set. Cannot set 'setup'"),
    ValidationCase(
        name: "setup fields at the top level",
        frames: [.text(#"{"model": "models/gemini-3.8-live"}"#)], code: 1007,
        reason: #"Invalid JSON payload received. Unknown name "model": Cannot find field."#),
    ValidationCase(
        name: "responseModalities at setup's level",
        frames: [.text(#"{"setup": {"model": "models/gemini-3.8-live", "responseModalities": ["AUDIO"]}}"#)],
        code: 1007,
        reason: #"Invalid JSON payload received. Unknown name "responseModalities" at 'setup': Cannot find field."#),
    ValidationCase(
        name: "VAD settings inside a transcription config",
        frames: [
            .text(
                #"{"setup": {"model": "models/gemini-3.8-live", "inputAudioTranscription": {"automaticActivityDetection": {}}}}"#
            )
        ], code: 1007,
        reason: CloseReason.truncated(
            #"Invalid JSON payload received. Unknown name "automaticActivityDetection" at 'setup.input_audio_transcription': Cannot find field."#
        )),
    ValidationCase(
        name: "systemInstruction as a string", apiVersion: "v1alpha",
        frames: [.text(#"{"setup": {"model": "models/gemini-3.8-live", "systemInstruction": "Be nice"}}"#)],
        code: 1007,
        reason:
            #"Invalid value at 'setup.system_instruction' (type.googleapis.com/google.ai.generativelanguage.v1alpha.Content), "Be nice""#
    ),
    ValidationCase(
        name: "unknown model",
        frames: [.text(#"{"setup": {"model": "models/gemini-9-live"}}"#)], code: 1008,
        reason:
            "models/gemini-9-live is not found for API version v1beta, or is not supported for bidiGenerateContent. Call ListModels to s"
    ),
    ValidationCase(
        name: "retired model on v1alpha", apiVersion: "v1alpha",
        frames: [.text(#"{"setup": {"model": "models/gemini-2.0-flash-live-001"}}"#)], code: 1008,
        reason:
            "models/gemini-2.0-flash-live-001 is not found for API version v1alpha, or is not supported for bidiGenerateContent. Call Li"
    ),
    ValidationCase(
        name: "TEXT on an audio-only model",
        frames: [
            .text(
                #"{"setup": {"model": "models/gemini-2.5-flash-native-audio-preview-12-2025", "generationConfig": {"responseModalities": ["TEXT"]}}}"#
            )
        ], code: 1007, reason: "Cannot extract voices from a non-audio request."),
    ValidationCase(
        name: "TEXT on gemini-3.1-flash-live-preview",
        frames: [
            .text(
                #"{"setup": {"model": "models/gemini-3.1-flash-live-preview", "generationConfig": {"responseModalities": ["TEXT"]}}}"#
            )
        ], code: 1011, reason: ""),
    ValidationCase(
        name: "second setup", frames: [.text(liveSetup), .text(liveSetup)], code: 1007,
        reason: "Request contains an invalid argument."),
    ValidationCase(
        name: "activityStart with automatic activity detection",
        frames: [.text(liveSetup), .text(#"{"realtimeInput": {"activityStart": {}}}"#)], code: 1007,
        reason: "Explicit activity control is not supported when automatic activity detection is enabled."),
    ValidationCase(
        name: "audioStreamEnd with manual activity",
        frames: [.text(manualSetup), .text(#"{"realtimeInput": {"audioStreamEnd": true}}"#)], code: 1007,
        reason: "Audio stream end is not supported when automatic activity detection is disabled."),
    ValidationCase(
        name: "tool response with an unknown id",
        frames: [
            .text(liveSetup),
            .text(#"{"toolResponse": {"functionResponses": [{"id": "nope", "name": "f", "response": {}}]}}"#),
        ], code: 1007, reason: "Request contains an invalid argument."),
    ValidationCase(
        name: "invalid JSON", frames: [.text(#"{"setup": {"model": "#)], code: 1007,
        reason: "Invalid JSON payload received. Unexpected token."),
    ValidationCase(
        name: "a JSON array", frames: [.text("[1, 2]")], code: 1007,
        reason: "Invalid JSON payload received. Root element must be a message."),
    ValidationCase(
        name: "a text frame that is not UTF-8", frames: [.rawText([0x7B, 0xFF, 0xFE, 0x7D])], code: 1007,
        reason: "Invalid JSON payload received. Invalid UTF-8 in a text frame."),
    ValidationCase(
        name: "audio at 44.1 kHz",
        frames: [
            .text(liveSetup),
            .text(#"{"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=44100", "data": "AAAA"}}}"#),
        ], code: 1007, reason: "Request contains an invalid argument."),
    ValidationCase(
        name: "WAV audio",
        frames: [.text(liveSetup), .text(#"{"realtimeInput": {"audio": {"mimeType": "audio/wav", "data": "AAAA"}}}"#)],
        code: 1007, reason: "Request contains an invalid argument."),
    ValidationCase(
        name: "bytes that are not base64",
        frames: [
            .text(liveSetup),
            .text(#"{"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": "*not base64*"}}}"#),
        ], code: 1007,
        reason: #"Invalid value at 'realtime_input.audio.data' (TYPE_BYTES), Base64 decoding failed for "*not base64*""#),
    ValidationCase(
        name: "a bool given as a string",
        frames: [.text(liveSetup), .text(#"{"clientContent": {"turnComplete": "yes"}}"#)], code: 1007,
        reason: #"Invalid value at 'client_content.turn_complete' (TYPE_BOOL), "yes""#),
    ValidationCase(
        name: "thinkingBudget on a model without thinking",
        frames: [
            .text(#"{"setup": {"model": "models/gemini-3.8-live", "generationConfig": {"thinkingConfig": {"thinkingBudget": 10}}}}"#)
        ], code: 1007, reason: "Request contains an invalid argument."),
    ValidationCase(
        name: "a binary frame is parsed like a text frame", frames: [.binary(#"{"model": "x"}"#)], code: 1007,
        reason: #"Invalid JSON payload received. Unknown name "model": Cannot find field."#),
    // Issue 10: the newest models' rules (docs/protocol-notes.md).
    ValidationCase(
        name: "extended thinking without a thinking level",
        frames: [.text(#"{"setup": {"model": "models/gemini-3.8-live-extended-thinking"}}"#)], code: 1007,
        reason: "Request contains an invalid argument."),
    ValidationCase(
        name: "extended thinking with thinkingLevel minimal",
        frames: [
            .text(#"{"setup": {"model": "models/gemini-3.8-live-extended-thinking", "generationConfig": {"thinkingConfig": {"thinkingLevel": "minimal"}}}}"#)
        ], code: 1007, reason: "Request contains an invalid argument."),
    ValidationCase(
        name: "realtimeInput.mediaChunks",
        frames: [
            .text(liveSetup),
            .text(#"{"realtimeInput": {"mediaChunks": [{"mimeType": "audio/pcm;rate=16000", "data": "AAA="}]}}"#),
        ], code: 1007, reason: "realtime_input.media_chunks is deprecated. Use audio, video, or text instead."),
    ValidationCase(
        name: "code execution on gemini-3.8-live",
        frames: [.text(#"{"setup": {"model": "models/gemini-3.8-live", "tools": [{"codeExecution": {}}]}}"#)], code: 1008,
        reason: "Operation is not implemented, or supported, or enabled."),
    ValidationCase(
        name: "the translation model without a target language",
        frames: [.text(#"{"setup": {"model": "models/gemini-3.5-live-translate-preview"}}"#)], code: 1007,
        reason: "Request contains an invalid argument."),
    ValidationCase(
        name: "the translation model with a system instruction",
        frames: [
            .text(#"{"setup": {"model": "models/gemini-3.5-live-translate-preview", "generationConfig": {"translationConfig": {"targetLanguageCode": "de"}}, "systemInstruction": {"parts": [{"text": "be brief"}]}}}"#)
        ], code: 1007, reason: "Request contains an invalid argument."),
    ValidationCase(
        name: "text sent to the translation model",
        frames: [
            .text(#"{"setup": {"model": "models/gemini-3.5-live-translate-preview", "generationConfig": {"translationConfig": {"targetLanguageCode": "de"}}}}"#),
            .text(#"{"realtimeInput": {"text": "hello"}}"#),
        ], code: 1007, reason: "Request contains an invalid argument."),
    ValidationCase(
        name: "multiSpeakerVoiceConfig is not a Live field",
        frames: [
            .text(#"{"setup": {"model": "models/gemini-3.8-live", "generationConfig": {"speechConfig": {"multiSpeakerVoiceConfig": {}}}}}"#)
        ], code: 1007,
        // Cut at 123 bytes, as every close reason is.
        reason: #"Invalid JSON payload received. Unknown name "multiSpeakerVoiceConfig" at 'setup.generation_config.speech_config': Cannot fi"#),
]

@Suite("Validation closes")
struct ValidationCloseTests {
    @Test("each mistake is closed with the service's code and reason", arguments: validationCases)
    func validationClose(_ testCase: ValidationCase) async throws {
        let simulator = Fixtures.simulator()
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL(apiVersion: testCase.apiVersion)) { probe in
                for frame in testCase.frames {
                    switch frame {
                    case .text(let text): try await probe.send(text)
                    case .rawText(let bytes):
                        try await probe.outbound.write(.custom(.init(fin: true, opcode: .text, data: ByteBuffer(bytes: bytes))))
                    case .binary(let text): try await probe.outbound.write(.binary(ByteBuffer(string: text)))
                    }
                }
                try await probe.waitForEnd()
            }
        }
        #expect(result.closeCode == testCase.code)
        #expect((result.closeReason ?? "") == testCase.reason)
        #expect((result.closeReason ?? "").utf8.count <= 123)
        let recorded = simulator.recorder.connection(1)
        #expect(recorded?.closeSent == CloseReason(code: testCase.code, text: testCase.reason))
    }

    @Test("a reason is cut to 123 bytes without splitting a character")
    func truncation() async throws {
        let model = "models/" + String(repeating: "é", count: 70)
        let simulator = Fixtures.simulator()
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.send(#"{"setup": {"model": "\#(model)"}}"#)
                try await probe.waitForEnd()
            }
        }
        let reason = try #require(result.closeReason)
        #expect(result.closeCode == 1008)
        #expect(reason.utf8.count <= 123)
        #expect(reason.utf8.count >= 122)
        #expect(reason.hasPrefix("models/éé"))
        #expect(CloseReason.truncated("aé", maximumBytes: 2) == "a")
    }
}
