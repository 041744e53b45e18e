import DBusService

/// Typed reads of a signal argument.
struct DBusValueReader: Sendable {
    let value: DBusValue

    var uint64: UInt64? { value.as(UInt64.self) }
    var uint32: UInt32? { value.as(UInt32.self) }
    var double: Double? { value.as(Double.self) }
    var string: String? { value.as(String.self) }
    var strings: [String]? {
        guard case .array(_, let values) = value else { return nil }
        return values.compactMap { $0.as(String.self) }
    }
}
