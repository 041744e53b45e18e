/// A D-Bus error: an error name such as `org.freedesktop.DBus.Error.InvalidArgs` plus a human-readable message.
///
/// Method handlers throw it to send a named error reply; calls made through ``DBusConnection`` throw it when the
/// peer replies with an error; the layer throws it for invalid input (bad paths, names, signatures, values).
public struct DBusError: Error, Sendable, Hashable {
    /// The error name, e.g. `io.github.geminilive.Gateway1.Error.NoSuchSession`.
    public var name: Name
    /// The message shown to the caller (e.g. by `busctl`); must not leak secrets.
    public var message: String

    /// An error with the given name and message.
    public init(_ name: Name, _ message: String) {
        self.name = name
        self.message = message
    }

    /// A D-Bus error name. Use the predefined ones or ``init(_:)`` with your own interface's prefix.
    public struct Name: Sendable, Hashable, RawRepresentable, ExpressibleByStringLiteral, CustomStringConvertible {
        /// The dotted error name.
        public let rawValue: String

        /// An error name from its dotted text.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// An error name from its dotted text.
        public init(_ rawValue: String) {
            self.rawValue = rawValue
        }

        /// An error name from a string literal.
        public init(stringLiteral value: String) {
            self.rawValue = value
        }

        /// The dotted error name.
        public var description: String { rawValue }

        /// A generic failure (used for handler errors that are not ``DBusError``s).
        public static let failed: Name = "org.freedesktop.DBus.Error.Failed"
        /// Arguments of the wrong type or value.
        public static let invalidArgs: Name = "org.freedesktop.DBus.Error.InvalidArgs"
        /// A malformed type signature.
        public static let invalidSignature: Name = "org.freedesktop.DBus.Error.InvalidSignature"
        /// The object has no such method.
        public static let unknownMethod: Name = "org.freedesktop.DBus.Error.UnknownMethod"
        /// The object has no such interface.
        public static let unknownInterface: Name = "org.freedesktop.DBus.Error.UnknownInterface"
        /// No object is exported at that path.
        public static let unknownObject: Name = "org.freedesktop.DBus.Error.UnknownObject"
        /// The interface has no such property.
        public static let unknownProperty: Name = "org.freedesktop.DBus.Error.UnknownProperty"
        /// The property cannot be written.
        public static let propertyReadOnly: Name = "org.freedesktop.DBus.Error.PropertyReadOnly"
        /// The operation is not supported.
        public static let notSupported: Name = "org.freedesktop.DBus.Error.NotSupported"
        /// The named bus name has no owner.
        public static let nameHasNoOwner: Name = "org.freedesktop.DBus.Error.NameHasNoOwner"
        /// The peer did not reply in time.
        public static let noReply: Name = "org.freedesktop.DBus.Error.NoReply"
        /// The connection is closed or lost.
        public static let disconnected: Name = "org.freedesktop.DBus.Error.Disconnected"
        /// Memory could not be allocated.
        public static let noMemory: Name = "org.freedesktop.DBus.Error.NoMemory"
    }
}

extension DBusError: CustomStringConvertible {
    /// `name: message`, the way D-Bus tools print errors.
    public var description: String { "\(name.rawValue): \(message)" }
}

extension DBusError {
    /// Shorthand for an `org.freedesktop.DBus.Error.InvalidArgs` error.
    public static func invalidArgs(_ message: String) -> DBusError {
        DBusError(.invalidArgs, message)
    }

    /// Shorthand for an `org.freedesktop.DBus.Error.Failed` error.
    public static func failed(_ message: String) -> DBusError {
        DBusError(.failed, message)
    }
}
