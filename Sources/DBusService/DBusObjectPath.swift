import CDBus

/// A validated D-Bus object path such as `/io/github/geminilive/Gateway1/session/3`.
public struct DBusObjectPath: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The path text.
    public let rawValue: String

    /// The root path `/`.
    public static let root = DBusObjectPath(unchecked: "/")

    /// Validates `rawValue` as an object path.
    /// - Throws: ``DBusError`` `InvalidArgs` when it is not a valid object path.
    public init(_ rawValue: String) throws(DBusError) {
        guard Self.isValid(rawValue) else {
            throw .invalidArgs("\"\(rawValue)\" is not a valid D-Bus object path")
        }
        self.rawValue = rawValue
    }

    init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    /// Whether `text` is a valid object path (checked by libdbus).
    public static func isValid(_ text: String) -> Bool {
        !text.utf8.contains(0) && dbus_validate_path(text, nil) != 0
    }

    /// The path of a child node, e.g. `/a` + `b` → `/a/b`.
    /// - Throws: ``DBusError`` `InvalidArgs` when `element` is not a valid path element.
    public func appending(_ element: String) throws(DBusError) -> DBusObjectPath {
        guard !element.isEmpty, !element.contains("/") else {
            throw .invalidArgs("\"\(element)\" is not a valid object path element")
        }
        return try DBusObjectPath(rawValue == "/" ? "/" + element : rawValue + "/" + element)
    }

    /// The parent path, or `nil` for `/`.
    public var parent: DBusObjectPath? {
        guard rawValue != "/" else { return nil }
        guard let slash = rawValue.lastIndex(of: "/"), slash != rawValue.startIndex else { return .root }
        return DBusObjectPath(unchecked: String(rawValue[..<slash]))
    }

    /// Whether this path lies strictly below `ancestor`.
    public func isDescendant(of ancestor: DBusObjectPath) -> Bool {
        if ancestor.rawValue == "/" { return rawValue != "/" }
        return rawValue.hasPrefix(ancestor.rawValue + "/")
    }

    /// The path text.
    public var description: String { rawValue }

    /// Orders paths by their text.
    public static func < (lhs: DBusObjectPath, rhs: DBusObjectPath) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
