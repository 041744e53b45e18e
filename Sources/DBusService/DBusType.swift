/// One complete D-Bus type, as it appears in a type signature (`s`, `a{sv}`, `(ii)`, …).
///
/// `DBusType` is the parsed form of a single complete type; ``DBusSignature`` is a sequence of them.
public indirect enum DBusType: Sendable, Hashable {
    /// `y`: an unsigned 8-bit integer.
    case byte
    /// `b`: a boolean.
    case boolean
    /// `n`: a signed 16-bit integer.
    case int16
    /// `q`: an unsigned 16-bit integer.
    case uint16
    /// `i`: a signed 32-bit integer.
    case int32
    /// `u`: an unsigned 32-bit integer.
    case uint32
    /// `x`: a signed 64-bit integer.
    case int64
    /// `t`: an unsigned 64-bit integer.
    case uint64
    /// `d`: an IEEE 754 double.
    case double
    /// `s`: a UTF-8 string.
    case string
    /// `o`: an object path.
    case objectPath
    /// `g`: a type signature.
    case signature
    /// `h`: a Unix file descriptor (received only: see ``DBusFileDescriptor``).
    case unixFD
    /// `v`: a variant, carrying a value together with its own type.
    case variant
    /// `aT`: an array of elements of one type.
    case array(DBusType)
    /// `a{KV}`: a dictionary from a basic key type to a value type.
    case dictionary(key: DBusType, value: DBusType)
    /// `(T…)`: a struct of one or more fields.
    case structure([DBusType])

    /// The signature text of this type, e.g. `a{sv}`.
    public var signature: String {
        switch self {
        case .byte: "y"
        case .boolean: "b"
        case .int16: "n"
        case .uint16: "q"
        case .int32: "i"
        case .uint32: "u"
        case .int64: "x"
        case .uint64: "t"
        case .double: "d"
        case .string: "s"
        case .objectPath: "o"
        case .signature: "g"
        case .unixFD: "h"
        case .variant: "v"
        case .array(let element): "a" + element.signature
        case .dictionary(let key, let value): "a{" + key.signature + value.signature + "}"
        case .structure(let fields): "(" + fields.map(\.signature).joined() + ")"
        }
    }

    /// Whether this is a basic (non-container) type, the only kind allowed as a dictionary key.
    public var isBasic: Bool {
        switch self {
        case .variant, .array, .dictionary, .structure: false
        default: true
        }
    }
}

extension DBusType: CustomStringConvertible {
    /// The signature text of this type.
    public var description: String { signature }
}

/// The `DBUS_TYPE_*` codes used with `DBusMessageIter` (cast macros that Swift cannot import).
enum DBusTypeCode {
    static let invalid: Int32 = 0
    static let byte = code("y")
    static let boolean = code("b")
    static let int16 = code("n")
    static let uint16 = code("q")
    static let int32 = code("i")
    static let uint32 = code("u")
    static let int64 = code("x")
    static let uint64 = code("t")
    static let double = code("d")
    static let string = code("s")
    static let objectPath = code("o")
    static let signature = code("g")
    static let unixFD = code("h")
    static let array = code("a")
    static let variant = code("v")
    static let structure = code("r")
    static let dictEntry = code("e")

    private static func code(_ character: Unicode.Scalar) -> Int32 { Int32(character.value) }
}
