import Foundation
import LiveProtocol

/// Turns one client frame into a ``ClientMessage`` the way the service's proto-JSON parser would,
/// or into the close the service answers a bad frame with.
///
/// In order: UTF-8 (text frames), JSON syntax, a JSON object at the root, field names and shapes
/// (``MessageSchema/clientMessage``), exactly one top-level message, then typed decoding (either
/// key casing, either base64 alphabet, via ``LiveJSON/makeDecoder()``).
enum FrameParser {
    /// The message in `bytes`, or the close reason.
    static func parse(_ bytes: Data, isText: Bool, apiVersion: String) -> Result<ClientMessage, CloseReason> {
        if isText && String(validating: bytes, as: UTF8.self) == nil { return .failure(.invalidUTF8) }
        guard let value = try? JSONValue(parsing: bytes) else { return .failure(.invalidJSON) }
        guard case .object(let members) = value else { return .failure(.rootNotAMessage) }
        if let violation = MessageSchema.clientMessage.firstViolation(in: value, path: "") {
            return .failure(reason(for: violation, apiVersion: apiVersion))
        }
        let keys = members.keys.sorted()
        guard keys.count == 1 else {
            return .failure(keys.count > 1 ? .oneofAlreadySet(keys[1]) : .invalidArgument)
        }
        do {
            return .success(try LiveJSON.decode(ClientMessage.self, from: bytes))
        } catch let error as DecodingError {
            return .failure(reason(for: error, in: value))
        } catch {
            return .failure(.invalidArgument)
        }
    }

    /// The service's wording for a schema violation; at the root it names no location.
    static func reason(for violation: MessageSchema.Violation, apiVersion: String) -> CloseReason {
        if violation.path.isEmpty, case .unknownField(let name) = violation.kind {
            return .unknownField("Invalid JSON payload received. Unknown name \"\(name)\": Cannot find field.")
        }
        switch violation.kind {
        case .unknownField: return .unknownField(violation.serviceReason(apiVersion: apiVersion))
        case .notAMessage: return .invalidValue(violation.serviceReason(apiVersion: apiVersion))
        }
    }

    /// `Invalid value at 'a.b' (TYPE_BOOL), "x"` for a scalar of the wrong type, and the
    /// service's base64 wording for undecodable bytes; other failures are an invalid argument.
    static func reason(for error: DecodingError, in root: JSONValue) -> CloseReason {
        let codingPath: [any CodingKey]
        let type: String
        switch error {
        case .typeMismatch(let expected, let context):
            codingPath = context.codingPath
            type =
                switch expected {
                case is Bool.Type: "TYPE_BOOL"
                case is String.Type: "TYPE_STRING"
                case is Int.Type, is Int32.Type: "TYPE_INT32"
                case is Int64.Type: "TYPE_INT64"
                case is Double.Type, is Float.Type: "TYPE_DOUBLE"
                default: "TYPE_MESSAGE"
                }
        case .dataCorrupted(let context) where context.codingPath.last?.stringValue == "data":
            codingPath = context.codingPath
            type = "TYPE_BYTES"
        default:
            return .invalidArgument
        }
        let location = protoPath(codingPath)
        let value = lookUp(codingPath, in: root)
        if type == "TYPE_BYTES" {
            return .invalidValue(
                "Invalid value at '\(location)' (TYPE_BYTES), Base64 decoding failed for \(value?.compactText ?? "\"\"")")
        }
        return .invalidValue("Invalid value at '\(location)' (\(type)), \(value?.compactText ?? "null")")
    }

    /// `realtime_input.audio.data`, `client_content.turns[0].parts[1].text`.
    static func protoPath(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += (path.isEmpty ? "" : ".") + MessageSchema.snakeCase(key.stringValue)
            }
        }
        return path
    }

    /// The raw value at a (camelCase) coding path, whatever casing the client used.
    static func lookUp(_ codingPath: [any CodingKey], in root: JSONValue) -> JSONValue? {
        var current: JSONValue? = root
        for key in codingPath {
            switch current {
            case .array(let items)?:
                guard let index = key.intValue, items.indices.contains(index) else { return nil }
                current = items[index]
            case .object(let members)?:
                current = members.first { LiveJSON.camelCase($0.key) == key.stringValue }?.value
            default:
                return nil
            }
        }
        return current
    }
}
