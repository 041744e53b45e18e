/// The description of one D-Bus interface: its methods, signals and properties, as in introspection XML.
///
/// The project's interfaces are generated as Swift from `dbus/*.xml` at build time (the EmbedInterfaceXML
/// plugin), so nothing parses XML at run time; ``ExportedInterface`` uses a description to validate
/// incoming calls, outgoing signals and property values, and to answer `Introspect`.
public struct InterfaceDescription: Sendable, Hashable {
    /// The interface name, e.g. `io.github.geminilive.Gateway1.Session`.
    public var name: String
    /// The methods, in document order.
    public var methods: [Method]
    /// The signals, in document order.
    public var signals: [Signal]
    /// The properties, in document order.
    public var properties: [Property]
    /// Annotations on the interface itself.
    public var annotations: [Annotation]
    /// The XML comment that preceded the interface in its document, kept for `Introspect` output.
    public var documentation: String?

    /// An interface description built in code.
    public init(
        name: String, methods: [Method] = [], signals: [Signal] = [], properties: [Property] = [],
        annotations: [Annotation] = [], documentation: String? = nil
    ) {
        self.name = name
        self.methods = methods
        self.signals = signals
        self.properties = properties
        self.annotations = annotations
        self.documentation = documentation
    }

    /// The method with the given name, if declared.
    public func method(named member: String) -> Method? {
        methods.first { $0.name == member }
    }

    /// The signal with the given name, if declared.
    public func signal(named member: String) -> Signal? {
        signals.first { $0.name == member }
    }

    /// The property with the given name, if declared.
    public func property(named member: String) -> Property? {
        properties.first { $0.name == member }
    }

    /// One argument of a method or signal.
    public struct Argument: Sendable, Hashable {
        /// The argument name, if the XML gives one.
        public var name: String?
        /// The argument's complete type.
        public var type: DBusType
        /// Annotations on the argument.
        public var annotations: [Annotation]

        /// An argument of the given type.
        public init(name: String? = nil, type: DBusType, annotations: [Annotation] = []) {
            self.name = name
            self.type = type
            self.annotations = annotations
        }
    }

    /// A method: name, in-arguments and out-arguments.
    public struct Method: Sendable, Hashable {
        /// The member name.
        public var name: String
        /// The arguments the caller sends.
        public var inArguments: [Argument]
        /// The arguments of the reply.
        public var outArguments: [Argument]
        /// Annotations on the method (e.g. `org.freedesktop.DBus.Method.NoReply`).
        public var annotations: [Annotation]
        /// The XML comment that preceded the method.
        public var documentation: String?

        /// A method with the given arguments.
        public init(
            name: String, inArguments: [Argument] = [], outArguments: [Argument] = [],
            annotations: [Annotation] = [], documentation: String? = nil
        ) {
            self.name = name
            self.inArguments = inArguments
            self.outArguments = outArguments
            self.annotations = annotations
            self.documentation = documentation
        }

        /// The signature of the in-arguments, which every call must match exactly.
        public var inSignature: DBusSignature { DBusSignature(types: inArguments.map(\.type)) }
        /// The signature of the reply.
        public var outSignature: DBusSignature { DBusSignature(types: outArguments.map(\.type)) }
    }

    /// A signal: name and arguments.
    public struct Signal: Sendable, Hashable {
        /// The member name.
        public var name: String
        /// The signal's arguments.
        public var arguments: [Argument]
        /// Annotations on the signal.
        public var annotations: [Annotation]
        /// The XML comment that preceded the signal.
        public var documentation: String?

        /// A signal with the given arguments.
        public init(name: String, arguments: [Argument] = [], annotations: [Annotation] = [], documentation: String? = nil) {
            self.name = name
            self.arguments = arguments
            self.annotations = annotations
            self.documentation = documentation
        }

        /// The signature every emission must match.
        public var signature: DBusSignature { DBusSignature(types: arguments.map(\.type)) }
    }

    /// A property: name, type, access and its change-notification behaviour.
    public struct Property: Sendable, Hashable {
        /// The property name.
        public var name: String
        /// The property's type.
        public var type: DBusType
        /// Whether it can be read, written or both.
        public var access: Access
        /// Annotations on the property.
        public var annotations: [Annotation]
        /// The XML comment that preceded the property.
        public var documentation: String?
        /// How changes are announced; from the property's annotation, else the interface's, else `.true`.
        public var emitsChangedSignal: EmitsChangedSignal

        /// A property of the given type and access.
        public init(
            name: String, type: DBusType, access: Access, annotations: [Annotation] = [],
            documentation: String? = nil, emitsChangedSignal: EmitsChangedSignal = .true
        ) {
            self.name = name
            self.type = type
            self.access = access
            self.annotations = annotations
            self.documentation = documentation
            self.emitsChangedSignal = emitsChangedSignal
        }

        /// Whether `Get`/`GetAll` may read it.
        public var isReadable: Bool { access != .write }
        /// Whether `Set` may write it.
        public var isWritable: Bool { access != .read }
    }

    /// The `access` attribute of a property.
    public enum Access: String, Sendable, Hashable {
        /// Read-only.
        case read
        /// Write-only.
        case write
        /// Readable and writable.
        case readwrite
    }

    /// The values of the `org.freedesktop.DBus.Property.EmitsChangedSignal` annotation.
    public enum EmitsChangedSignal: String, Sendable, Hashable {
        /// `PropertiesChanged` carries the new value.
        case `true`
        /// `PropertiesChanged` lists the property as invalidated, without the value.
        case invalidates
        /// The value never changes for the object's lifetime; no signal.
        case const
        /// Changes are not announced.
        case `false`

        /// The annotation's name.
        public static let annotationName = "org.freedesktop.DBus.Property.EmitsChangedSignal"
    }

    /// An `<annotation name="…" value="…"/>`.
    public struct Annotation: Sendable, Hashable {
        /// The annotation name.
        public var name: String
        /// The annotation value.
        public var value: String

        /// An annotation.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }
}
