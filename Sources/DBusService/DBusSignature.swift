/// A D-Bus type signature: a sequence of complete types, such as `sa{sv}` (a string, then a dictionary).
///
/// Build one from text with ``init(_:)``, which validates it; an invalid signature is an error, never a crash.
public struct DBusSignature: Sendable, Hashable {
    /// The complete types of the signature, in order.
    public let types: [DBusType]

    /// The empty signature (no arguments).
    public static let empty = DBusSignature(types: [])

    /// A signature made of the given complete types.
    public init(types: [DBusType]) {
        self.types = types
    }

    /// Parses and validates signature text such as `"a{sv}as"`.
    /// - Throws: ``DBusError`` `org.freedesktop.DBus.Error.InvalidSignature` naming the problem.
    public init(_ text: String) throws(DBusError) {
        var parser = SignatureParser(text)
        types = try parser.parseAll()
    }

    /// The signature text, e.g. `"sa{sv}"`.
    public var text: String { types.map(\.signature).joined() }
}

extension DBusSignature: CustomStringConvertible {
    /// The signature text, quoted-free.
    public var description: String { text }
}

/// Recursive-descent parser for signature text; follows the limits of the D-Bus specification.
private struct SignatureParser {
    private let bytes: [UInt8]
    private let text: String
    private var index = 0

    init(_ text: String) {
        self.text = text
        bytes = Array(text.utf8)
    }

    mutating func parseAll() throws(DBusError) -> [DBusType] {
        guard bytes.count <= 255 else { throw invalid("longer than 255 bytes") }
        var types: [DBusType] = []
        while index < bytes.count {
            types.append(try parseOne(arrayDepth: 0, structDepth: 0))
        }
        return types
    }

    private mutating func parseOne(arrayDepth: Int, structDepth: Int) throws(DBusError) -> DBusType {
        guard index < bytes.count else { throw invalid("ends in the middle of a type") }
        let byte = bytes[index]
        index += 1
        switch Unicode.Scalar(byte) {
        case "y": return .byte
        case "b": return .boolean
        case "n": return .int16
        case "q": return .uint16
        case "i": return .int32
        case "u": return .uint32
        case "x": return .int64
        case "t": return .uint64
        case "d": return .double
        case "s": return .string
        case "o": return .objectPath
        case "g": return .signature
        case "h": return .unixFD
        case "v": return .variant
        case "a":
            guard arrayDepth < 32 else { throw invalid("nests arrays deeper than 32") }
            if index < bytes.count, bytes[index] == UInt8(ascii: "{") {
                index += 1
                let key = try parseOne(arrayDepth: arrayDepth + 1, structDepth: structDepth + 1)
                guard key.isBasic else { throw invalid("has a dictionary key of non-basic type \(key)") }
                let value = try parseOne(arrayDepth: arrayDepth + 1, structDepth: structDepth + 1)
                guard index < bytes.count, bytes[index] == UInt8(ascii: "}") else {
                    throw invalid("has a dictionary entry without exactly one key and one value")
                }
                index += 1
                return .dictionary(key: key, value: value)
            }
            return .array(try parseOne(arrayDepth: arrayDepth + 1, structDepth: structDepth))
        case "(":
            guard structDepth < 32 else { throw invalid("nests structs deeper than 32") }
            var fields: [DBusType] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: ")") {
                fields.append(try parseOne(arrayDepth: arrayDepth, structDepth: structDepth + 1))
            }
            guard index < bytes.count else { throw invalid("has an unclosed struct") }
            index += 1
            guard !fields.isEmpty else { throw invalid("has an empty struct") }
            return .structure(fields)
        default:
            throw invalid("has an unexpected character '\(Unicode.Scalar(byte))' at offset \(index - 1)")
        }
    }

    private func invalid(_ problem: String) -> DBusError {
        DBusError(.invalidSignature, "Signature \"\(text)\" \(problem)")
    }
}
