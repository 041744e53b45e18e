/// A D-Bus value of any type, as sent and received in messages.
///
/// Containers carry their element types so that empty arrays and dictionaries still have a signature.
/// Build values directly (`.string("x")`) or from Swift values through ``DBusValueConvertible``
/// (`DBusValue(["a", "b"])` is an `as`, `DBusValue(["k": DBusValue.uint32(1)])` is an `a{sv}`).
public indirect enum DBusValue: Sendable, Hashable {
    /// `y`
    case byte(UInt8)
    /// `b`
    case boolean(Bool)
    /// `n`
    case int16(Int16)
    /// `q`
    case uint16(UInt16)
    /// `i`
    case int32(Int32)
    /// `u`
    case uint32(UInt32)
    /// `x`
    case int64(Int64)
    /// `t`
    case uint64(UInt64)
    /// `d`
    case double(Double)
    /// `s`; must not contain NUL characters.
    case string(String)
    /// `o`; validated when sent.
    case objectPath(DBusObjectPath)
    /// `g`
    case signature(DBusSignature)
    /// `v`: a value carried together with its own type.
    case variant(DBusValue)
    /// `aT`: an array whose elements all have type `element`.
    case array(element: DBusType, [DBusValue])
    /// `a{KV}`: a dictionary; every key has type `key` (a basic type) and every value type `value`.
    case dictionary(key: DBusType, value: DBusType, [DBusValue: DBusValue])
    /// `(…)`: a struct of one or more fields.
    case structure([DBusValue])
    /// `h`: a Unix file descriptor received in a message (read only; sending one fails).
    case unixFD(DBusFileDescriptor)

    /// The D-Bus type of this value.
    public var type: DBusType {
        switch self {
        case .byte: .byte
        case .boolean: .boolean
        case .int16: .int16
        case .uint16: .uint16
        case .int32: .int32
        case .uint32: .uint32
        case .int64: .int64
        case .uint64: .uint64
        case .double: .double
        case .string: .string
        case .objectPath: .objectPath
        case .signature: .signature
        case .variant: .variant
        case .array(let element, _): .array(element)
        case .dictionary(let key, let value, _): .dictionary(key: key, value: value)
        case .structure(let fields): .structure(fields.map(\.type))
        case .unixFD: .unixFD
        }
    }

    /// The value inside a variant, or the value itself when it is not a variant.
    public var unwrappingVariant: DBusValue {
        if case .variant(let inner) = self { return inner.unwrappingVariant }
        return self
    }

    /// Checks that containers hold only values of their declared types, recursively.
    /// - Throws: ``DBusError`` `InvalidArgs` naming the first mismatch.
    public func validate() throws(DBusError) {
        switch self {
        case .array(let element, let values):
            for value in values {
                guard value.type == element else {
                    throw .invalidArgs("Array of \(element) contains a value of type \(value.type)")
                }
                try value.validate()
            }
        case .dictionary(let key, let valueType, let entries):
            guard key.isBasic else { throw .invalidArgs("Dictionary key type \(key) is not a basic type") }
            for (entryKey, entryValue) in entries {
                guard entryKey.type == key, entryValue.type == valueType else {
                    throw .invalidArgs(
                        "Dictionary a{\(key)\(valueType)} contains an entry of types \(entryKey.type) → \(entryValue.type)")
                }
                try entryValue.validate()
            }
        case .structure(let fields):
            guard !fields.isEmpty else { throw .invalidArgs("Struct values need at least one field") }
            for field in fields { try field.validate() }
        case .variant(let inner):
            try inner.validate()
        default:
            break
        }
    }
}

extension DBusValue {
    /// The signature of a list of values (e.g. the arguments of a message).
    public static func signature(of values: [DBusValue]) -> DBusSignature {
        DBusSignature(types: values.map(\.type))
    }
}

extension DBusValue: CustomStringConvertible {
    /// A compact, readable rendering such as `{"Model": <"gemini">}` for logs and test messages.
    public var description: String {
        switch self {
        case .byte(let v): "\(v)"
        case .boolean(let v): "\(v)"
        case .int16(let v): "\(v)"
        case .uint16(let v): "\(v)"
        case .int32(let v): "\(v)"
        case .uint32(let v): "\(v)"
        case .int64(let v): "\(v)"
        case .uint64(let v): "\(v)"
        case .double(let v): "\(v)"
        case .string(let v): "\"\(v)\""
        case .objectPath(let v): "'\(v.rawValue)'"
        case .signature(let v): "<\(v.text)>"
        case .variant(let v): "<\(v)>"
        case .array(_, let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .dictionary(_, _, let entries):
            "{" + entries.map { "\($0.key): \($0.value)" }.sorted().joined(separator: ", ") + "}"
        case .structure(let fields): "(" + fields.map(\.description).joined(separator: ", ") + ")"
        case .unixFD(let fd): fd.description
        }
    }
}
