import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The members of D-Bus interfaces as introspection XML declares them, read with Foundation's XML parser
/// (independent of the gateway's own parser): methods and signals with their arguments' types, directions and
/// names, properties with type and access.
struct InterfaceMembers: Equatable, CustomStringConvertible {
    /// `method SendText(in s text)`, `signal Closed(u code, s reason, s explanation)`, `property State s read`.
    var members: Set<String> = []

    /// The members of `interface` in `xml`.
    init(xml: String, interface: String) throws {
        let delegate = Collector(interface: interface)
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = delegate
        guard parser.parse() else { throw CocoaError(.coderReadCorrupt) }
        members = delegate.members
    }

    /// The members' names alone.
    var names: Set<String> {
        Set(members.map { member in
            let afterKind = member.split(separator: " ", maxSplits: 1).last ?? ""
            return String(afterKind.prefix { $0 != "(" && $0 != " " })
        })
    }

    var description: String { members.sorted().joined(separator: "\n") }

    private final class Collector: NSObject, XMLParserDelegate {
        let interface: String
        var members: Set<String> = []
        private var inInterface = false
        private var current: (kind: String, name: String, arguments: [String])?

        init(interface: String) { self.interface = interface }

        func parser(
            _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            switch element {
            case "interface":
                inInterface = attributes["name"] == interface
            case "method" where inInterface, "signal" where inInterface:
                current = (element, attributes["name"] ?? "", [])
            case "arg" where inInterface:
                let direction = current?.kind == "method" ? "\(attributes["direction"] ?? "in") " : ""
                current?.arguments.append("\(direction)\(attributes["type"] ?? "?") \(attributes["name"] ?? "")")
            case "property" where inInterface:
                members.insert("property \(attributes["name"] ?? "") \(attributes["type"] ?? "?") \(attributes["access"] ?? "?")")
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            switch element {
            case "interface":
                inInterface = false
            case "method", "signal":
                if let current, inInterface {
                    members.insert("\(current.kind) \(current.name)(\(current.arguments.joined(separator: ", ")))")
                }
                current = nil
            default:
                break
            }
        }
    }
}

/// The project's root directory (this file is `Tests/GatewayTests/InterfaceMembers.swift`).
let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The text of a file of the project, e.g. `dbus/io.github.geminilive.Gateway1.xml`.
func projectFile(_ relativePath: String) throws -> String {
    try String(contentsOf: projectRoot.appendingPathComponent(relativePath), encoding: .utf8)
}
