import Foundation

/// The field names and shapes of client messages, as the service's proto-JSON parser knows them.
///
/// Used to check raw JSON the way the service does before the typed decoder (which ignores unknown
/// fields) sees it: the simulator closes with the service's exact reason text, and preflight
/// explains the same mistake before a byte is sent.
public indirect enum MessageSchema: Sendable {
    /// A scalar (string, number, bool) or anything not checked further.
    case scalar
    /// Caller-owned JSON: any content.
    case opaque
    /// A repeated field.
    case list(MessageSchema)
    /// A message: its proto type name and fields by camelCase name.
    case message(String, [String: MessageSchema])

    /// A field the schema does not know, or a value of the wrong shape, found in raw JSON.
    public struct Violation: Sendable, Hashable {
        /// What went wrong.
        public enum Kind: Sendable, Hashable {
            /// A field name the message type does not have.
            case unknownField(name: String)
            /// A message was expected; something else came.
            case notAMessage(typeName: String, value: String)
        }

        public var kind: Kind
        /// The proto path of the enclosing message, snake_case, e.g. `setup.generation_config`.
        public var path: String

        /// The reason text the service closes with (before truncation).
        public func serviceReason(apiVersion: String) -> String {
            switch kind {
            case .unknownField(let name):
                "Invalid JSON payload received. Unknown name \"\(name)\" at '\(path)': Cannot find field."
            case .notAMessage(let typeName, let value):
                "Invalid value at '\(path)' (type.googleapis.com/google.ai.generativelanguage.\(apiVersion).\(typeName)), \(value)"
            }
        }
    }

    /// The first violation in `value` (depth first, keys in sorted order), or nil.
    public func firstViolation(in value: JSONValue, path: String) -> Violation? {
        switch self {
        case .scalar, .opaque:
            return nil
        case .list(let element):
            guard case .array(let items) = value else { return element.firstViolation(in: value, path: path) }
            for (index, item) in items.enumerated() {
                if let violation = element.firstViolation(in: item, path: "\(path)[\(index)]") { return violation }
            }
            return nil
        case .message(let typeName, let fields):
            guard case .object(let members) = value else {
                if case .null = value { return nil }
                return Violation(kind: .notAMessage(typeName: typeName, value: value.compactText), path: path)
            }
            for key in members.keys.sorted() {
                guard let field = fields[LiveJSON.camelCase(key)] else {
                    return Violation(kind: .unknownField(name: key), path: path)
                }
                let childPath = path.isEmpty ? Self.snakeCase(key) : "\(path).\(Self.snakeCase(key))"
                if let member = members[key], let violation = field.firstViolation(in: member, path: childPath) {
                    return violation
                }
            }
            return nil
        }
    }

    /// `camelCase` → `camel_case`.
    public static func snakeCase(_ key: String) -> String {
        var result = ""
        for character in key {
            if character.isUppercase {
                result.append("_")
                result.append(contentsOf: character.lowercased())
            } else {
                result.append(character)
            }
        }
        return result
    }
}

extension MessageSchema {
    static let blob: MessageSchema = .message("Blob", ["mimeType": .scalar, "data": .scalar])
    static let functionCall: MessageSchema = .message(
        "FunctionCall",
        ["id": .scalar, "name": .scalar, "args": .opaque, "partialArgs": .opaque, "willContinue": .scalar])
    static let functionResponse: MessageSchema = .message(
        "FunctionResponse",
        ["id": .scalar, "name": .scalar, "response": .opaque, "willContinue": .scalar, "scheduling": .scalar,
         "parts": .opaque])
    static let part: MessageSchema = .message(
        "Part",
        ["text": .scalar, "inlineData": blob, "fileData": .opaque, "thought": .scalar, "thoughtSignature": .scalar,
         "functionCall": functionCall, "functionResponse": functionResponse, "executableCode": .opaque,
         "codeExecutionResult": .opaque, "videoMetadata": .opaque,
         // google-genai 3.x Part fields (_live_converters.py _Part_to_mldev/_to_vertex).
         "mediaResolution": .opaque, "toolCall": .opaque, "toolResponse": .opaque, "partMetadata": .opaque,
         "audioTranscription": .opaque, "mediaProcessing": .opaque, "speechMetadata": .opaque,
         "documentMetadata": .opaque, "spreadsheetMetadata": .opaque, "audioMetadata": .opaque])
    static let content: MessageSchema = .message("Content", ["role": .scalar, "parts": .list(part)])
    static let functionDeclaration: MessageSchema = .message(
        "FunctionDeclaration",
        ["name": .scalar, "description": .scalar, "parameters": .opaque, "parametersJsonSchema": .opaque,
         "response": .opaque, "responseJsonSchema": .opaque, "behavior": .scalar])
    static let tool: MessageSchema = .message(
        "Tool",
        ["functionDeclarations": .list(functionDeclaration), "googleSearch": .opaque, "googleSearchRetrieval": .opaque,
         "codeExecution": .opaque, "urlContext": .opaque, "computerUse": .opaque, "fileSearch": .opaque,
         "googleMaps": .opaque, "mcpServers": .opaque,
         // Vertex-AI-only tools (google-genai Tool); preflight refuses them on the Gemini API.
         "retrieval": .opaque, "enterpriseWebSearch": .opaque, "parallelAiSearch": .opaque, "exaAiSearch": .opaque])
    /// One speaker only: `multiSpeakerVoiceConfig` is not a Live field (google-genai refuses it for
    /// Live in `_transformers.py`), so it is an unknown name here.
    static let speechConfig: MessageSchema = .message(
        "SpeechConfig",
        ["voiceConfig": .message(
            "VoiceConfig",
            ["prebuiltVoiceConfig": .message("PrebuiltVoiceConfig", ["voiceName": .scalar]),
             "voice": .scalar,
             "replicatedVoiceConfig": .message(
                "ReplicatedVoiceConfig",
                ["mimeType": .scalar, "voiceSampleAudio": .scalar, "consentAudio": .scalar,
                 "voiceConsentSignature": .message("VoiceConsentSignature", ["signature": .scalar])])]),
         "languageCode": .scalar])
    /// Fields the proto has but the Live API does not support.
    public static let unsupportedGenerationFields: Set<String> = [
        "responseLogprobs", "responseMimeType", "logprobs", "responseSchema", "responseJsonSchema", "stopSequence",
        "stopSequences", "routingConfig", "audioTimestamp",
    ]
    static let generationConfig: MessageSchema = .message(
        "GenerationConfig",
        [
            "responseModalities": .list(.scalar), "speechConfig": speechConfig, "temperature": .scalar,
            "topP": .scalar, "topK": .scalar, "maxOutputTokens": .scalar, "candidateCount": .scalar,
            "presencePenalty": .scalar, "frequencyPenalty": .scalar, "seed": .scalar, "mediaResolution": .scalar,
            "thinkingConfig": .message(
                "ThinkingConfig", ["thinkingBudget": .scalar, "thinkingLevel": .scalar, "includeThoughts": .scalar]),
            "enableAffectiveDialog": .scalar,
            "translationConfig": .message(
                "TranslationConfig", ["targetLanguageCode": .scalar, "echoTargetLanguage": .scalar]),
            "audioTranscriptionConfig": .opaque, "responseFormat": .opaque, "enableEnhancedCivicAnswers": .scalar,
            "modelSelectionConfig": .opaque,
        ].merging(unsupportedGenerationFields.map { ($0, MessageSchema.opaque) }) { first, _ in first })
    static let automaticActivityDetection: MessageSchema = .message(
        "AutomaticActivityDetection",
        ["disabled": .scalar, "startOfSpeechSensitivity": .scalar, "endOfSpeechSensitivity": .scalar,
         "prefixPaddingMs": .scalar, "silenceDurationMs": .scalar])
    static let realtimeInputConfig: MessageSchema = .message(
        "RealtimeInputConfig",
        ["automaticActivityDetection": automaticActivityDetection, "activityHandling": .scalar,
         "turnCoverage": .scalar, "interimTranscriptTimestampEnabled": .scalar])
    static let transcriptionConfig: MessageSchema = .message(
        "AudioTranscriptionConfig",
        ["languageCodes": .list(.scalar), "customVocabulary": .opaque, "wordTimestamp": .scalar,
         "diarization": .opaque, "mode": .scalar, "languageHints": .opaque, "languageAuto": .scalar,
         "adaptationPhrases": .opaque, "sourceText": .scalar])
    /// `BidiGenerateContentSetup`.
    public static let setup: MessageSchema = .message(
        "BidiGenerateContentSetup",
        [
            "model": .scalar, "generationConfig": generationConfig, "systemInstruction": content,
            "tools": .list(tool), "realtimeInputConfig": realtimeInputConfig,
            "sessionResumption": .message("SessionResumptionConfig", ["handle": .scalar, "transparent": .scalar]),
            "contextWindowCompression": .message(
                "ContextWindowCompressionConfig",
                ["triggerTokens": .scalar, "slidingWindow": .message("SlidingWindow", ["targetTokens": .scalar])]),
            "inputAudioTranscription": transcriptionConfig, "outputAudioTranscription": transcriptionConfig,
            "proactivity": .message("ProactivityConfig", ["proactiveAudio": .scalar, "proactiveVideo": .scalar]),
            "explicitVadSignal": .scalar,
            "historyConfig": .message("HistoryConfig", ["initialHistoryInClientContent": .scalar]),
            "avatarConfig": .opaque, "safetySettings": .opaque, "labels": .opaque,
        ])
    /// `BidiGenerateContentClientMessage`: the envelope.
    public static let clientMessage: MessageSchema = .message(
        "BidiGenerateContentClientMessage",
        [
            "setup": setup,
            "clientContent": .message(
                "BidiGenerateContentClientContent", ["turns": .list(content), "turnComplete": .scalar]),
            "realtimeInput": .message(
                "BidiGenerateContentRealtimeInput",
                ["audio": blob, "video": blob, "text": .scalar, "activityStart": .message("ActivityStart", [:]),
                 "activityEnd": .message("ActivityEnd", [:]), "audioStreamEnd": .scalar, "mediaChunks": .list(blob)]),
            "toolResponse": .message(
                "BidiGenerateContentToolResponse", ["functionResponses": .list(functionResponse)]),
            "contextUpdate": .message(
                "ContextUpdate", ["systemInstruction": content, "tools": .opaque]),
        ])
}
