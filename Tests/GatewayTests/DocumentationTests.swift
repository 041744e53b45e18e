import DBusService
import Foundation
import Gateway
import Testing

@Suite("docs/dbus-api.md covers the contract")
struct DocumentationTests {
    typealias G = GatewayHarness

    @Test("every method, signal and property of dbus/*.xml is documented, methods and properties with a busctl line")
    func everyMember() throws {
        let docs = try projectFile("docs/dbus-api.md")
        for interface in [G.managerInterface, G.sessionInterface] {
            let contract = try InterfaceMembers(xml: try projectFile("dbus/\(interface).xml"), interface: interface)
            #expect(contract.names.count >= 6)
            for member in contract.members {
                let parts = member.split(separator: " ")
                let kind = String(parts[0])
                let name = String(parts[1].prefix { $0 != "(" })
                #expect(docs.contains("`\(name)`") || docs.contains("**`\(name)("), "\(member) is documented")
                let example: String
                switch kind {
                case "method":
                    example = interface == G.managerInterface ? "busctl --user call $G $M $G \(name)" : "busctl --user call $G $S $G.Session \(name)"
                case "property":
                    example = interface == G.managerInterface ? "busctl --user get-property $G $M $G \(name)" : "busctl --user get-property $G $S $G.Session \(name)"
                default:
                    example = "member='\(name)'"
                }
                #expect(docs.contains(example), "\(member): no example \"\(example)\"")
            }
        }
    }

    @Test("every StartSession option (with its type) and every error name is documented")
    func optionsAndErrors() throws {
        let docs = try projectFile("docs/dbus-api.md")
        for (key, type) in SessionOptions.keys {
            #expect(docs.contains("| `\(key)` | `\(type)` |"), "option \(key) \(type)")
        }
        let manager = try projectFile("dbus/\(G.managerInterface).xml")
        let session = try projectFile("dbus/\(G.sessionInterface).xml")
        let errors = Set((manager + session).matches(of: /io\.github\.geminilive\.Gateway1\.Error\.[A-Za-z]+/).map { String($0.output) })
        #expect(errors.count >= 8)
        let named = [
            GatewayError.invalidConfig, GatewayError.connectionFailed, GatewayError.notConfigured, GatewayError.accessDenied,
            GatewayError.notFound, GatewayError.invalidState, GatewayError.timeout, GatewayError.limitExceeded,
            GatewayError.audioUnavailable, GatewayError.cancelled, GatewayError.portalRefused,
            GatewayError.portalUnavailable, GatewayError.sourceGone,
        ].map(\.rawValue)
        #expect(errors.isSubset(of: named), "the XML names only errors the gateway has")
        for error in errors.union(named) {
            #expect(docs.contains("`\(error)`"), "\(error)")
        }
        #expect(docs.contains("busctl --user monitor io.github.geminilive.Gateway1"))
        #expect(docs.contains("gdbus monitor --session --dest io.github.geminilive.Gateway1"))
    }
}
