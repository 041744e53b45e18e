/// The standard interfaces every exported node answers, described for `Introspect` and call validation.
enum StandardInterfaces {
    static let introspectableName = "org.freedesktop.DBus.Introspectable"
    static let peerName = "org.freedesktop.DBus.Peer"
    static let propertiesName = "org.freedesktop.DBus.Properties"
    static let objectManagerName = "org.freedesktop.DBus.ObjectManager"

    static let names: Set<String> = [introspectableName, peerName, propertiesName, objectManagerName]

    private typealias Argument = InterfaceDescription.Argument
    private typealias Method = InterfaceDescription.Method
    private typealias Signal = InterfaceDescription.Signal

    static let introspectable = InterfaceDescription(
        name: introspectableName,
        methods: [Method(name: "Introspect", outArguments: [Argument(name: "xml_data", type: .string)])])

    /// Answered by libdbus itself on every path; listed so that introspection shows it.
    static let peer = InterfaceDescription(
        name: peerName,
        methods: [
            Method(name: "Ping"),
            Method(name: "GetMachineId", outArguments: [Argument(name: "machine_uuid", type: .string)]),
        ])

    static let properties = InterfaceDescription(
        name: propertiesName,
        methods: [
            Method(
                name: "Get",
                inArguments: [Argument(name: "interface_name", type: .string), Argument(name: "property_name", type: .string)],
                outArguments: [Argument(name: "value", type: .variant)]),
            Method(
                name: "GetAll",
                inArguments: [Argument(name: "interface_name", type: .string)],
                outArguments: [Argument(name: "props", type: .dictionary(key: .string, value: .variant))]),
            Method(
                name: "Set",
                inArguments: [
                    Argument(name: "interface_name", type: .string), Argument(name: "property_name", type: .string),
                    Argument(name: "value", type: .variant),
                ]),
        ],
        signals: [
            Signal(
                name: "PropertiesChanged",
                arguments: [
                    Argument(name: "interface_name", type: .string),
                    Argument(name: "changed_properties", type: .dictionary(key: .string, value: .variant)),
                    Argument(name: "invalidated_properties", type: .array(.string)),
                ])
        ])

    /// `a{sa{sv}}`: interface name → property name → value.
    static let interfacesAndProperties = DBusType.dictionary(
        key: .string, value: .dictionary(key: .string, value: .variant))

    static let objectManager = InterfaceDescription(
        name: objectManagerName,
        methods: [
            Method(
                name: "GetManagedObjects",
                outArguments: [
                    Argument(
                        name: "object_paths_interfaces_and_properties",
                        type: .dictionary(key: .objectPath, value: interfacesAndProperties))
                ])
        ],
        signals: [
            Signal(
                name: "InterfacesAdded",
                arguments: [
                    Argument(name: "object_path", type: .objectPath),
                    Argument(name: "interfaces_and_properties", type: interfacesAndProperties),
                ]),
            Signal(
                name: "InterfacesRemoved",
                arguments: [Argument(name: "object_path", type: .objectPath), Argument(name: "interfaces", type: .array(.string))]),
        ])
}
