import Foundation

/// One client → server frame (`BidiGenerateContentClientMessage`): a JSON object with exactly one
/// top-level key.
public enum ClientMessage: Sendable, Hashable {
    case setup(Setup)
    case clientContent(ClientContent)
    case realtimeInput(RealtimeInput)
    case toolResponse(ToolResponse)
    case contextUpdate(ContextUpdate)

    /// The top-level key this message is sent under.
    public var key: String {
        switch self {
        case .setup: "setup"
        case .clientContent: "clientContent"
        case .realtimeInput: "realtimeInput"
        case .toolResponse: "toolResponse"
        case .contextUpdate: "contextUpdate"
        }
    }

    /// The top-level keys a client message may carry (camelCase).
    public static let keys: [String] = ["setup", "clientContent", "realtimeInput", "toolResponse", "contextUpdate"]

    /// Canonical JSON text: camelCase, standard base64, one top-level key.
    public func encoded() throws -> Data {
        if case .realtimeInput(let input) = self, let audio = input.audio, input == .audio(audio) {
            return Self.encodeAudioChunk(audio)
        }
        return try LiveJSON.makeEncoder().encode(self)
    }

    /// Decodes a frame tolerantly (either key casing, either base64 alphabet).
    public static func decode(_ data: Data) throws -> ClientMessage {
        try LiveJSON.decode(ClientMessage.self, from: data)
    }

    /// The hot path: an audio chunk written straight to JSON bytes, the same JSON as the Codable
    /// encoding of `{"realtimeInput":{"audio":{…}}}` without its per-field machinery.
    public static func encodeAudioChunk(_ blob: Blob) -> Data {
        let head = #"{"realtimeInput":{"audio":{"mimeType":""#
        let middle = #"","data":""#
        let tail = #""}}}"#
        let base64 = blob.data.base64EncodedData()
        var out = Data()
        out.reserveCapacity(head.utf8.count + blob.mimeType.utf8.count + middle.utf8.count + base64.count + 4)
        out.append(contentsOf: head.utf8)
        out.append(contentsOf: jsonEscaped(blob.mimeType).utf8)
        out.append(contentsOf: middle.utf8)
        out.append(base64)
        out.append(contentsOf: tail.utf8)
        return out
    }

    private static func jsonEscaped(_ text: String) -> String {
        guard text.contains(where: { $0 == "\"" || $0 == "\\" || $0.asciiValue.map { $0 < 0x20 } == true }) else {
            return text
        }
        // The same escaping as the Codable path (slashes stay unescaped).
        let data = (try? LiveJSON.makeEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}

extension ClientMessage: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        let keys = container.allKeys
        guard keys.count == 1, let key = keys.first else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: [],
                    debugDescription: keys.isEmpty
                        ? "a client message needs one of \(Self.keys.joined(separator: ", "))"
                        : "a client message must have exactly one top-level key, got \(keys.map(\.stringValue).sorted().joined(separator: ", "))"
                ))
        }
        switch key.stringValue {
        case "setup": self = .setup(try container.decode(Setup.self, forKey: key))
        case "clientContent": self = .clientContent(try container.decode(ClientContent.self, forKey: key))
        case "realtimeInput": self = .realtimeInput(try container.decode(RealtimeInput.self, forKey: key))
        case "toolResponse": self = .toolResponse(try container.decode(ToolResponse.self, forKey: key))
        case "contextUpdate": self = .contextUpdate(try container.decode(ContextUpdate.self, forKey: key))
        default:
            throw DecodingError.dataCorrupted(
                .init(codingPath: [key], debugDescription: "unknown client message \"\(key.stringValue)\""))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        let key = AnyCodingKey(self.key)
        switch self {
        case .setup(let value): try container.encode(value, forKey: key)
        case .clientContent(let value): try container.encode(value, forKey: key)
        case .realtimeInput(let value): try container.encode(value, forKey: key)
        case .toolResponse(let value): try container.encode(value, forKey: key)
        case .contextUpdate(let value): try container.encode(value, forKey: key)
        }
    }
}
