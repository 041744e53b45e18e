import Foundation

/// The JSON dialect of the Live API: how frames are encoded and how tolerantly they are decoded.
///
/// Encoding is canonical: lowerCamelCase keys, standard base64, no escaped slashes. The server side
/// (the simulator) pretty-prints like the real service and ends each frame with a newline.
///
/// Decoding accepts what the real peers send: camelCase and snake_case keys at every level
/// (python-genai mixes them), standard and URL-safe base64, int64 as string or number, and
/// Duration strings. Keys inside caller-owned JSON (function arguments, tool responses, schemas)
/// are never rewritten.
public enum LiveJSON {
    /// Fields whose contents belong to the caller; their keys are kept verbatim when decoding.
    static let opaqueFields: Set<String> = [
        "args", "response", "parameters", "parametersJsonSchema", "responseJsonSchema", "labels",
    ]

    /// A decoder that accepts both key casings.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom(convertKey)
        return decoder
    }

    /// One decoder of ``makeDecoder()``'s kind for every frame of the process: a `JSONDecoder`
    /// holds no state between `decode` calls, so threads may share it.
    public static let sharedDecoder = makeDecoder()

    /// The key conversion of ``makeDecoder()``: snake_case protocol keys become camelCase, keys
    /// below an opaque field stay as they are.
    ///
    /// Runs once per key of every decoded frame, so the common case (a key without an underscore,
    /// which converts to itself) returns before looking at the ancestors.
    @Sendable static func convertKey(_ path: [any CodingKey]) -> any CodingKey {
        guard let last = path.last else { return AnyCodingKey("") }
        guard last.intValue == nil, last.stringValue.utf8.contains(UInt8(ascii: "_")) else { return last }
        for ancestor in path.dropLast() where opaqueFields.contains(camelCase(ancestor.stringValue)) {
            return last
        }
        return AnyCodingKey(camelCase(last.stringValue))
    }

    /// Decodes `type` from `data` with `decoder` (``sharedDecoder`` unless given), refusing first what would crash
    /// Foundation's parser instead of making it throw.
    ///
    /// swift-foundation's JSON scanner (Swift 6.3) traps when nesting passes its limit of 512 levels at an array
    /// bracket that is the input's last byte (513 `[`, or `{"x":` and 512 `[`): it computes the error's source
    /// location past the end of the input. No JSON document ends with `[`, so such input is refused here with the
    /// error the decoder throws for other invalid input.
    /// - Throws: `DecodingError` as `JSONDecoder` does.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, decoder: JSONDecoder = sharedDecoder) throws -> T {
        guard data.last != UInt8(ascii: "[") else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: [], debugDescription: "The given data was not valid JSON: it ends inside an array."))
        }
        return try decoder.decode(type, from: data)
    }

    /// An encoder for client frames: compact, camelCase.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    /// An encoder for server frames: pretty-printed like the real service.
    public static func makeServerEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }

    /// A decoding error in one line: the JSON path and what was wrong there.
    public static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context), DecodingError.typeMismatch(_, let context),
            DecodingError.valueNotFound(_, let context), DecodingError.keyNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "not JSON"
        }
    }

    /// `snake_case` → `snakeCase`; camelCase input is returned unchanged.
    public static func camelCase(_ key: String) -> String {
        guard key.utf8.contains(UInt8(ascii: "_")) else { return key }
        var result = ""
        result.reserveCapacity(key.utf8.count)
        var upperNext = false
        var leading = true
        for character in key {
            if character == "_" {
                if leading { result.append(character) } else { upperNext = true }
                continue
            }
            leading = false
            if upperNext {
                result.append(contentsOf: character.uppercased())
                upperNext = false
            } else {
                result.append(character)
            }
        }
        return result
    }
}

extension KeyedDecodingContainer {
    /// An int64 that may arrive as a JSON number or as a decimal string (proto3 JSON).
    func decodeFlexibleInt64IfPresent(forKey key: Key) throws -> Int64? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let number = try? decode(Int64.self, forKey: key) { return number }
        if let double = try? decode(Double.self, forKey: key), double.rounded() == double,
            abs(double) < 9.2e18
        {
            return Int64(double)
        }
        let text = try decode(String.self, forKey: key)
        guard let number = Int64(text.trimmingCharacters(in: .whitespaces)) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "expected an int64 as a number or a decimal string, got \"\(text)\"")
        }
        return number
    }

    /// An int32 field, tolerant of string encoding like ``decodeFlexibleInt64IfPresent(forKey:)``.
    func decodeFlexibleIntIfPresent(forKey key: Key) throws -> Int? {
        guard let value = try decodeFlexibleInt64IfPresent(forKey: key) else { return nil }
        guard let int = Int(exactly: value) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "integer out of range")
        }
        return int
    }
}
