/// An object to export on the bus: a path and the interfaces it implements.
///
/// The standard interfaces (`Introspectable`, `Peer`, `Properties`, and `ObjectManager` on manager paths) are
/// provided by the connection and must not be listed here.
public struct ExportedObject: Sendable {
    /// Where the object lives.
    public let path: DBusObjectPath
    /// The object's own interfaces, in introspection order.
    public var interfaces: [ExportedInterface]

    /// An object at `path` implementing `interfaces`.
    public init(path: DBusObjectPath, interfaces: [ExportedInterface]) {
        self.path = path
        self.interfaces = interfaces
    }

    /// The interface named `name`, if the object has it.
    func interface(named name: String) -> ExportedInterface? {
        interfaces.first { $0.name == name }
    }

    /// Checks every interface and that names are unique and not standard ones.
    func validate() throws(DBusExportError) {
        var seen: Set<String> = []
        for interface in interfaces {
            guard !StandardInterfaces.names.contains(interface.name) else {
                throw DBusExportError("\(interface.name) is provided by the connection; do not export it yourself")
            }
            guard seen.insert(interface.name).inserted else {
                throw DBusExportError("Interface \(interface.name) is listed twice for \(path)")
            }
            try interface.validate()
        }
    }
}

/// Explains why no object is exported at a path a call named, as the error to answer it with; nil for the
/// standard `org.freedesktop.DBus.Error.UnknownObject`.
public typealias DBusMissingObjectExplainer = @Sendable (DBusObjectPath) -> DBusError?
