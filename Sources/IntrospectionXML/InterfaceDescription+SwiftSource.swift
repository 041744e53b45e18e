import DBusService

extension InterfaceDescription {
    /// A Swift expression that builds this description (the build plugin writes it into the
    /// target that serves the interface, so the XML is read at build time only).
    public var swiftSource: String {
        """
        InterfaceDescription(
                    name: \(literal(name)),
                    methods: [\(methods.map(\.swiftSource).joined(separator: ", "))],
                    signals: [\(signals.map(\.swiftSource).joined(separator: ", "))],
                    properties: [\(properties.map(\.swiftSource).joined(separator: ", "))],
                    annotations: \(annotations.swiftSource),
                    documentation: \(optionalLiteral(documentation)))
        """
    }
}

extension InterfaceDescription.Method {
    var swiftSource: String {
        "\n            .init(name: \(literal(name)), inArguments: \(inArguments.swiftSource), outArguments: \(outArguments.swiftSource), annotations: \(annotations.swiftSource), documentation: \(optionalLiteral(documentation)))"
    }
}

extension InterfaceDescription.Signal {
    var swiftSource: String {
        "\n            .init(name: \(literal(name)), arguments: \(arguments.swiftSource), annotations: \(annotations.swiftSource), documentation: \(optionalLiteral(documentation)))"
    }
}

extension InterfaceDescription.Property {
    var swiftSource: String {
        "\n            .init(name: \(literal(name)), type: \(type.swiftSource), access: .\(access.rawValue), annotations: \(annotations.swiftSource), documentation: \(optionalLiteral(documentation)), emitsChangedSignal: .\(emitsChangedSignal.swiftCase))"
    }
}

extension InterfaceDescription.EmitsChangedSignal {
    var swiftCase: String {
        switch self {
        case .true: "`true`"
        case .false: "`false`"
        case .invalidates: "invalidates"
        case .const: "const"
        }
    }
}

extension [InterfaceDescription.Argument] {
    var swiftSource: String {
        "[" + map { "InterfaceDescription.Argument(name: \(optionalLiteral($0.name)), type: \($0.type.swiftSource), annotations: \($0.annotations.swiftSource))" }
            .joined(separator: ", ") + "]"
    }
}

extension [InterfaceDescription.Annotation] {
    var swiftSource: String {
        "[" + map { "InterfaceDescription.Annotation(name: \(literal($0.name)), value: \(literal($0.value)))" }.joined(separator: ", ") + "]"
    }
}

extension DBusType {
    /// The Swift expression of this type, e.g. `.dictionary(key: .string, value: .variant)`.
    var swiftSource: String {
        switch self {
        case .byte: ".byte"
        case .boolean: ".boolean"
        case .int16: ".int16"
        case .uint16: ".uint16"
        case .int32: ".int32"
        case .uint32: ".uint32"
        case .int64: ".int64"
        case .uint64: ".uint64"
        case .double: ".double"
        case .string: ".string"
        case .objectPath: ".objectPath"
        case .signature: ".signature"
        case .unixFD: ".unixFD"
        case .variant: ".variant"
        case .array(let element): ".array(\(element.swiftSource))"
        case .dictionary(let key, let value): ".dictionary(key: \(key.swiftSource), value: \(value.swiftSource))"
        case .structure(let fields): ".structure([\(fields.map(\.swiftSource).joined(separator: ", "))])"
        }
    }
}

/// `text` as a Swift string literal: quotes, backslashes and control characters escaped.
func literal(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

func optionalLiteral(_ text: String?) -> String {
    text.map(literal) ?? "nil"
}
