import Foundation

/// A turn of conversation: a role and its parts (`Content`).
public struct Content: Codable, Sendable, Hashable {
    /// `user` or `model`.
    public var role: String?
    /// The parts of the turn, in order.
    public var parts: [Part]

    /// A turn of `parts` spoken by `role`.
    public init(role: String? = nil, parts: [Part]) {
        self.role = role
        self.parts = parts
    }

    /// A single text part, e.g. a system instruction or a user message.
    public static func text(_ text: String, role: String? = "user") -> Content {
        Content(role: role, parts: [Part(text: text)])
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decodeIfPresent(String.self, forKey: .role)
        parts = try container.decodeIfPresent([Part].self, forKey: .parts) ?? []
    }
}

/// One part of a ``Content``: text, inline media, or a function call or response.
public struct Part: Codable, Sendable, Hashable {
    public var text: String?
    public var inlineData: Blob?
    /// True when the part is the model's thinking, not its answer.
    public var thought: Bool?
    public var functionCall: FunctionCall?
    public var functionResponse: FunctionResponse?
    public var fileData: JSONValue?
    public var executableCode: JSONValue?
    public var codeExecutionResult: JSONValue?
    /// Opaque bytes (base64 text) to send back with the thought.
    public var thoughtSignature: String?
    /// The transcript of this audio part (output only; google-genai `Part.audio_transcription`).
    public var audioTranscription: Transcription?
    /// Caller metadata (Gemini API only).
    public var partMetadata: JSONValue?
    /// The newer `Part` members the SDK sends and this library passes through untyped
    /// (`mediaResolution`, `videoMetadata`, `toolCall`, `toolResponse`, `mediaProcessing`,
    /// `speechMetadata`, `documentMetadata`, `spreadsheetMetadata`, `audioMetadata`).
    public var mediaResolution: JSONValue?
    public var videoMetadata: JSONValue?
    public var toolCall: JSONValue?
    public var toolResponse: JSONValue?

    /// A part; set the one field it carries.
    public init(
        text: String? = nil, inlineData: Blob? = nil, thought: Bool? = nil, functionCall: FunctionCall? = nil,
        functionResponse: FunctionResponse? = nil
    ) {
        self.text = text
        self.inlineData = inlineData
        self.thought = thought
        self.functionCall = functionCall
        self.functionResponse = functionResponse
    }
}

/// Inline bytes with a MIME type (`Blob`): audio chunks, video frames.
///
/// `data` travels as base64; decoding accepts the URL-safe alphabet too.
public struct Blob: Codable, Sendable, Hashable {
    /// E.g. `audio/pcm;rate=16000`.
    public var mimeType: String
    /// The raw bytes.
    public var data: Data

    /// Bytes of `mimeType`.
    public init(mimeType: String, data: Data) {
        self.mimeType = mimeType
        self.data = data
    }

    /// 16-bit little-endian mono PCM at `sampleRate`.
    public static func pcm(_ data: Data, sampleRate: Int) -> Blob {
        Blob(mimeType: "audio/pcm;rate=\(sampleRate)", data: data)
    }

    /// The sample rate named by an `audio/pcm;rate=N` MIME type.
    public var pcmSampleRate: Int? {
        // The two forms every chunk carries, without parsing (this runs for every audio message).
        switch mimeType {
        case "audio/pcm;rate=16000": return 16_000
        case "audio/pcm;rate=24000": return 24_000
        default: break
        }
        guard mimeType.lowercased().hasPrefix("audio/pcm") else { return nil }
        for parameter in mimeType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "rate" {
                return Int(pair[1].trimmingCharacters(in: .whitespaces))
            }
        }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case mimeType, data
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mimeType = try container.decodeIfPresent(String.self, forKey: .mimeType) ?? ""
        let text = try container.decodeIfPresent(String.self, forKey: .data) ?? ""
        guard let bytes = Base64.decode(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .data, in: container, debugDescription: "data is not valid base64 (standard or URL-safe)")
        }
        data = bytes
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mimeType, forKey: .mimeType)
        try container.encode(Base64.encode(data), forKey: .data)
    }
}

/// The model asks the client to run a declared function (`FunctionCall`).
///
/// On Vertex AI a call's arguments may stream: frames carry ``partialArgs`` with ``willContinue``
/// true until the last one (google-genai `FunctionCall.partial_args`, `will_continue`; "not
/// supported in Gemini API").
public struct FunctionCall: Codable, Sendable, Hashable {
    /// Echo this id in the ``FunctionResponse``.
    public var id: String?
    public var name: String
    public var args: JSONValue?
    /// Streamed argument fragments (Vertex AI).
    public var partialArgs: [PartialArgument]?
    /// More fragments of this call follow.
    public var willContinue: Bool?

    public init(
        id: String?, name: String, args: JSONValue? = nil, partialArgs: [PartialArgument]? = nil,
        willContinue: Bool? = nil
    ) {
        self.id = id
        self.name = name
        self.args = args
        self.partialArgs = partialArgs
        self.willContinue = willContinue
    }

    enum CodingKeys: String, CodingKey {
        case id, name, args, partialArgs, willContinue
    }

    /// `name` may be missing on a continuation fragment; it decodes as "".
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        args = try container.decodeIfPresent(JSONValue.self, forKey: .args)
        partialArgs = try container.decodeIfPresent([PartialArgument].self, forKey: .partialArgs)
        willContinue = try container.decodeIfPresent(Bool.self, forKey: .willContinue)
    }
}

/// One streamed argument value of a ``FunctionCall`` (google-genai `PartialArg`): the value at
/// ``jsonPath`` (RFC 9535, e.g. `$.city`), with ``willContinue`` while more of the same path follows.
public struct PartialArgument: Codable, Sendable, Hashable {
    public var jsonPath: String?
    public var stringValue: String?
    public var numberValue: Double?
    public var boolValue: Bool?
    /// `NULL_VALUE` for JSON null.
    public var nullValue: String?
    public var willContinue: Bool?

    public init(
        jsonPath: String?, stringValue: String? = nil, numberValue: Double? = nil, boolValue: Bool? = nil,
        nullValue: String? = nil, willContinue: Bool? = nil
    ) {
        self.jsonPath = jsonPath
        self.stringValue = stringValue
        self.numberValue = numberValue
        self.boolValue = boolValue
        self.nullValue = nullValue
        self.willContinue = willContinue
    }
}

/// The client's answer to a ``FunctionCall`` (`FunctionResponse`).
public struct FunctionResponse: Codable, Sendable, Hashable {
    /// The ``FunctionCall/id`` being answered; the Gemini API requires it.
    public var id: String?
    public var name: String
    public var response: JSONValue
    /// For non-blocking calls: more responses follow.
    public var willContinue: Bool?
    public var scheduling: FunctionResponseScheduling?

    public init(
        id: String?, name: String, response: JSONValue, willContinue: Bool? = nil,
        scheduling: FunctionResponseScheduling? = nil
    ) {
        self.id = id
        self.name = name
        self.response = response
        self.willContinue = willContinue
        self.scheduling = scheduling
    }
}
