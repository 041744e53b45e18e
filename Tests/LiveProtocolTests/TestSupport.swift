import Foundation
import Testing

@testable import LiveProtocol

/// Parses JSON bytes into a ``JSONValue`` (keys kept verbatim).
func parse(_ data: Data) throws -> JSONValue {
    try JSONValue(parsing: data)
}

/// Parses JSON text into a ``JSONValue`` (keys kept verbatim).
func parse(_ text: String) throws -> JSONValue {
    try JSONValue(parsing: text)
}

/// Follows a path of object keys and array indices through a JSON value.
func value(_ json: JSONValue, _ path: Any...) -> JSONValue? {
    var current: JSONValue? = json
    for step in path {
        switch (current, step) {
        case (.object(let members)?, let key as String): current = members[key]
        case (.array(let items)?, let index as Int): current = items.indices.contains(index) ? items[index] : nil
        default: return nil
        }
    }
    return current
}

/// Fields whose contents belong to the caller and may use any key spelling.
let callerOwnedFields: Set<String> = ["args", "response", "parameters", "parametersJsonSchema", "responseJsonSchema"]

/// Every object key in `json` with its dotted path, not descending into caller-owned fields.
func protocolKeys(in json: JSONValue, path: String = "") -> [String] {
    switch json {
    case .object(let members):
        return members.keys.sorted().flatMap { key -> [String] in
            let child = path.isEmpty ? key : "\(path).\(key)"
            if callerOwnedFields.contains(key) { return [child] }
            return [child] + protocolKeys(in: members[key]!, path: child)
        }
    case .array(let items):
        return items.enumerated().flatMap { index, item in protocolKeys(in: item, path: "\(path)[\(index)]") }
    default:
        return []
    }
}

/// Every string stored under a key named `data` (base64 payloads).
func base64Payloads(in json: JSONValue) -> [String] {
    switch json {
    case .object(let members):
        return members.sorted { $0.key < $1.key }.flatMap { key, member -> [String] in
            if key == "data", case .string(let text) = member { return [text] }
            return base64Payloads(in: member)
        }
    case .array(let items):
        return items.flatMap(base64Payloads(in:))
    default:
        return []
    }
}

/// Asserts the canonical client encoding: one top-level key, camelCase protocol keys, standard
/// base64.
func expectCanonical(_ data: Data, topLevelKey: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let json = try parse(data)
    let top = try #require(json.objectValue, sourceLocation: sourceLocation)
    #expect(Array(top.keys) == [topLevelKey], sourceLocation: sourceLocation)
    let snakeKeys = protocolKeys(in: json).filter { $0.split(separator: ".").last!.contains("_") }
    #expect(snakeKeys.isEmpty, "snake_case keys: \(snakeKeys)", sourceLocation: sourceLocation)
    for payload in base64Payloads(in: json) {
        #expect(!payload.contains("-") && !payload.contains("_"), "not standard base64: \(payload)", sourceLocation: sourceLocation)
        #expect(payload.count % 4 == 0, "unpadded base64: \(payload)", sourceLocation: sourceLocation)
        #expect(Data(base64Encoded: payload) != nil, sourceLocation: sourceLocation)
    }
    let text = String(decoding: data, as: UTF8.self)
    #expect(!text.contains("\\/"), "escaped slashes in \(text)", sourceLocation: sourceLocation)
}

/// Encodes `message`, checks it is canonical, decodes it back and returns the JSON.
@discardableResult
func roundTrip(_ message: ClientMessage, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
    let data = try message.encoded()
    try expectCanonical(data, topLevelKey: message.key, sourceLocation: sourceLocation)
    let decoded = try ClientMessage.decode(data)
    #expect(decoded == message, sourceLocation: sourceLocation)
    return try parse(data)
}

/// Bytes 0, 1, 2, … (wrapping), which base64 to every character of the alphabet.
func sampleBytes(_ count: Int, start: Int = 0) -> Data {
    Data((0..<count).map { UInt8(truncatingIfNeeded: $0 + start) })
}

/// The first `limit` bytes of `text`, as a WebSocket close reason is cut (RFC 6455 leaves 123
/// bytes for the reason). A multi-byte character split by the cut is dropped.
func truncatedReason(_ text: String, limit: Int = 123) -> String {
    var bytes = Array(text.utf8.prefix(limit))
    while String(validating: bytes, as: UTF8.self) == nil { bytes.removeLast() }
    return String(decoding: bytes, as: UTF8.self)
}
