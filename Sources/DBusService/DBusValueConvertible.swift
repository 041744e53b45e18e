/// A Swift type with a fixed D-Bus representation, used for typed access to arguments and replies.
///
/// `String` ⇔ `s`, `Bool` ⇔ `b`, the fixed-width integers ⇔ `y n q i u x t`, `Double` ⇔ `d`,
/// ``DBusObjectPath`` ⇔ `o`, ``DBusSignature`` ⇔ `g`, `[T]` ⇔ `aT`, `[K: V]` ⇔ `a{KV}`, and ``DBusValue``
/// itself ⇔ `v` (so `[String: DBusValue]` is the options dictionary `a{sv}`).
public protocol DBusValueConvertible: Sendable {
    /// The D-Bus type of every value of this Swift type.
    static var dbusType: DBusType { get }
    /// Converts from a D-Bus value of exactly ``dbusType``; `nil` when the value has another type.
    init?(dbusValue: DBusValue)
    /// The D-Bus value of ``dbusType`` representing this value.
    var dbusValue: DBusValue { get }
}

extension DBusValue {
    /// The D-Bus representation of a Swift value (`DBusValue(["a"])` is an `as`).
    public init(_ value: some DBusValueConvertible) {
        self = value.dbusValue
    }

    /// Converts this value to a Swift type, or `nil` when the D-Bus types differ.
    public func `as`<T: DBusValueConvertible>(_ type: T.Type) -> T? {
        T(dbusValue: self)
    }
}

extension DBusValue: DBusValueConvertible {
    /// A `DBusValue` used as a typed Swift value stands for a variant (`v`).
    public static var dbusType: DBusType { .variant }

    /// Unwraps a variant; `nil` for any other value.
    public init?(dbusValue: DBusValue) {
        guard case .variant(let inner) = dbusValue else { return nil }
        self = inner
    }

    /// This value wrapped in a variant.
    public var dbusValue: DBusValue { .variant(self) }
}

extension String: DBusValueConvertible {
    /// `s`
    public static var dbusType: DBusType { .string }
    /// Converts from `s`.
    public init?(dbusValue: DBusValue) {
        guard case .string(let v) = dbusValue else { return nil }
        self = v
    }
    /// `s`
    public var dbusValue: DBusValue { .string(self) }
}

extension Bool: DBusValueConvertible {
    /// `b`
    public static var dbusType: DBusType { .boolean }
    /// Converts from `b`.
    public init?(dbusValue: DBusValue) {
        guard case .boolean(let v) = dbusValue else { return nil }
        self = v
    }
    /// `b`
    public var dbusValue: DBusValue { .boolean(self) }
}

extension UInt8: DBusValueConvertible {
    /// `y`
    public static var dbusType: DBusType { .byte }
    /// Converts from `y`.
    public init?(dbusValue: DBusValue) {
        guard case .byte(let v) = dbusValue else { return nil }
        self = v
    }
    /// `y`
    public var dbusValue: DBusValue { .byte(self) }
}

extension Int16: DBusValueConvertible {
    /// `n`
    public static var dbusType: DBusType { .int16 }
    /// Converts from `n`.
    public init?(dbusValue: DBusValue) {
        guard case .int16(let v) = dbusValue else { return nil }
        self = v
    }
    /// `n`
    public var dbusValue: DBusValue { .int16(self) }
}

extension UInt16: DBusValueConvertible {
    /// `q`
    public static var dbusType: DBusType { .uint16 }
    /// Converts from `q`.
    public init?(dbusValue: DBusValue) {
        guard case .uint16(let v) = dbusValue else { return nil }
        self = v
    }
    /// `q`
    public var dbusValue: DBusValue { .uint16(self) }
}

extension Int32: DBusValueConvertible {
    /// `i`
    public static var dbusType: DBusType { .int32 }
    /// Converts from `i`.
    public init?(dbusValue: DBusValue) {
        guard case .int32(let v) = dbusValue else { return nil }
        self = v
    }
    /// `i`
    public var dbusValue: DBusValue { .int32(self) }
}

extension UInt32: DBusValueConvertible {
    /// `u`
    public static var dbusType: DBusType { .uint32 }
    /// Converts from `u`.
    public init?(dbusValue: DBusValue) {
        guard case .uint32(let v) = dbusValue else { return nil }
        self = v
    }
    /// `u`
    public var dbusValue: DBusValue { .uint32(self) }
}

extension Int64: DBusValueConvertible {
    /// `x`
    public static var dbusType: DBusType { .int64 }
    /// Converts from `x`.
    public init?(dbusValue: DBusValue) {
        guard case .int64(let v) = dbusValue else { return nil }
        self = v
    }
    /// `x`
    public var dbusValue: DBusValue { .int64(self) }
}

extension UInt64: DBusValueConvertible {
    /// `t`
    public static var dbusType: DBusType { .uint64 }
    /// Converts from `t`.
    public init?(dbusValue: DBusValue) {
        guard case .uint64(let v) = dbusValue else { return nil }
        self = v
    }
    /// `t`
    public var dbusValue: DBusValue { .uint64(self) }
}

extension Double: DBusValueConvertible {
    /// `d`
    public static var dbusType: DBusType { .double }
    /// Converts from `d`.
    public init?(dbusValue: DBusValue) {
        guard case .double(let v) = dbusValue else { return nil }
        self = v
    }
    /// `d`
    public var dbusValue: DBusValue { .double(self) }
}

extension DBusObjectPath: DBusValueConvertible {
    /// `o`
    public static var dbusType: DBusType { .objectPath }
    /// Converts from `o`.
    public init?(dbusValue: DBusValue) {
        guard case .objectPath(let v) = dbusValue else { return nil }
        self = v
    }
    /// `o`
    public var dbusValue: DBusValue { .objectPath(self) }
}

extension DBusSignature: DBusValueConvertible {
    /// `g`
    public static var dbusType: DBusType { .signature }
    /// Converts from `g`.
    public init?(dbusValue: DBusValue) {
        guard case .signature(let v) = dbusValue else { return nil }
        self = v
    }
    /// `g`
    public var dbusValue: DBusValue { .signature(self) }
}

extension Array: DBusValueConvertible where Element: DBusValueConvertible {
    /// `a` followed by the element type.
    public static var dbusType: DBusType { .array(Element.dbusType) }
    /// Converts from an array whose element type is exactly `Element`'s.
    public init?(dbusValue: DBusValue) {
        guard case .array(let element, let values) = dbusValue, element == Element.dbusType else { return nil }
        var result: [Element] = []
        result.reserveCapacity(values.count)
        for value in values {
            guard let converted = Element(dbusValue: value) else { return nil }
            result.append(converted)
        }
        self = result
    }
    /// An array of the elements' D-Bus values.
    public var dbusValue: DBusValue { .array(element: Element.dbusType, map(\.dbusValue)) }
}

extension Dictionary: DBusValueConvertible where Key: DBusValueConvertible, Value: DBusValueConvertible {
    /// `a{KV}`
    public static var dbusType: DBusType { .dictionary(key: Key.dbusType, value: Value.dbusType) }
    /// Converts from a dictionary whose key and value types are exactly `Key`'s and `Value`'s.
    public init?(dbusValue: DBusValue) {
        guard case .dictionary(let keyType, let valueType, let entries) = dbusValue,
              keyType == Key.dbusType, valueType == Value.dbusType else { return nil }
        var result: [Key: Value] = [:]
        for (key, value) in entries {
            guard let k = Key(dbusValue: key), let v = Value(dbusValue: value) else { return nil }
            result[k] = v
        }
        self = result
    }
    /// A dictionary of the entries' D-Bus values.
    public var dbusValue: DBusValue {
        var entries: [DBusValue: DBusValue] = [:]
        for (key, value) in self { entries[key.dbusValue] = value.dbusValue }
        return .dictionary(key: Key.dbusType, value: Value.dbusType, entries)
    }
}
