import Foundation

/// Renders introspection XML (the reply of `org.freedesktop.DBus.Introspectable.Introspect`).
enum IntrospectionWriter {
    static let doctype = """
        <!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
        """

    /// A `<node>` with the given interfaces and child node names (relative, one path element each).
    static func document(interfaces: [InterfaceDescription], children: [String]) -> String {
        var out = doctype + "\n<node>\n"
        for interface in interfaces { write(interface, into: &out) }
        for child in children { out += " <node name=\"\(escape(child))\"/>\n" }
        out += "</node>\n"
        return out
    }

    private static func write(_ interface: InterfaceDescription, into out: inout String) {
        comment(interface.documentation, indent: " ", into: &out)
        out += " <interface name=\"\(escape(interface.name))\">\n"
        for method in interface.methods {
            comment(method.documentation, indent: "  ", into: &out)
            out += "  <method name=\"\(escape(method.name))\">\n"
            for argument in method.inArguments { write(argument, direction: "in", into: &out) }
            for argument in method.outArguments { write(argument, direction: "out", into: &out) }
            annotations(method.annotations, indent: "   ", into: &out)
            out += "  </method>\n"
        }
        for signal in interface.signals {
            comment(signal.documentation, indent: "  ", into: &out)
            out += "  <signal name=\"\(escape(signal.name))\">\n"
            for argument in signal.arguments { write(argument, direction: nil, into: &out) }
            annotations(signal.annotations, indent: "   ", into: &out)
            out += "  </signal>\n"
        }
        for property in interface.properties {
            comment(property.documentation, indent: "  ", into: &out)
            let head = "  <property name=\"\(escape(property.name))\" type=\"\(escape(property.type.signature))\""
                + " access=\"\(property.access.rawValue)\""
            if property.annotations.isEmpty {
                out += head + "/>\n"
            } else {
                out += head + ">\n"
                annotations(property.annotations, indent: "   ", into: &out)
                out += "  </property>\n"
            }
        }
        annotations(interface.annotations, indent: "  ", into: &out)
        out += " </interface>\n"
    }

    private static func write(_ argument: InterfaceDescription.Argument, direction: String?, into out: inout String) {
        var head = "   <arg"
        if let name = argument.name { head += " name=\"\(escape(name))\"" }
        head += " type=\"\(escape(argument.type.signature))\""
        if let direction { head += " direction=\"\(direction)\"" }
        if argument.annotations.isEmpty {
            out += head + "/>\n"
        } else {
            out += head + ">\n"
            annotations(argument.annotations, indent: "    ", into: &out)
            out += "   </arg>\n"
        }
    }

    private static func annotations(_ list: [InterfaceDescription.Annotation], indent: String, into out: inout String) {
        for annotation in list {
            out += "\(indent)<annotation name=\"\(escape(annotation.name))\" value=\"\(escape(annotation.value))\"/>\n"
        }
    }

    private static func comment(_ text: String?, indent: String, into out: inout String) {
        guard let text else { return }
        out += "\(indent)<!--\(text.replacingOccurrences(of: "--", with: "- -"))-->\n"
    }

    private static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }
}
