import BusTestSupport
import Foundation
import Gateway
import Testing

@Suite("The bus surface matches dbus/*.xml")
struct IntrospectionContractTests {
    typealias G = GatewayHarness

    @Test("gdbus introspect --xml of the manager and a session declares exactly the members of dbus/*.xml")
    func introspectionMatchesContract() async throws {
        try await G.with { gateway in
            let owner = try await OwnClient.connect(gateway)
            let session = try await owner.startSession()
            for (path, interface) in [(G.manager, G.managerInterface), (session, G.sessionInterface)] {
                let contract = try InterfaceMembers(xml: try projectFile("dbus/\(interface).xml"), interface: interface)
                #expect(contract.members.count >= 6, "\(contract)")
                let result = try await ClientTool.run(
                    ["gdbus", "introspect", "--address", gateway.bus.address, "--dest", G.name, "--object-path", path, "--xml"],
                    bus: gateway.bus)
                #expect(result.status == 0, "\(result.stderr)")
                let served = try InterfaceMembers(xml: result.stdout, interface: interface)
                #expect(served == contract, "served:\n\(served)\ncontract:\n\(contract)")
            }
            let manager = try await ClientTool.run(
                ["gdbus", "introspect", "--address", gateway.bus.address, "--dest", G.name, "--object-path", G.manager, "--xml"],
                bus: gateway.bus)
            #expect(manager.stdout.contains("org.freedesktop.DBus.ObjectManager"))
            #expect(manager.stdout.contains("<node name=\"session\""), "the manager lists the session subtree")
            await owner.close()
        }
    }

    @Test("busctl introspect lists every contract member with its signature and the annotated property flags")
    func busctlIntrospect() async throws {
        try await G.with { gateway in
            let owner = try await OwnClient.connect(gateway)
            let session = try await owner.startSession()
            for (path, interface) in [(G.manager, G.managerInterface), (session, G.sessionInterface)] {
                let contract = try InterfaceMembers(xml: try projectFile("dbus/\(interface).xml"), interface: interface)
                let result = try await gateway.bus.busctl("introspect", "--no-pager", G.name, path, interface)
                #expect(result.status == 0, "\(result.stderr)")
                var rows: [String: (kind: String, signature: String, rest: String)] = [:]
                for line in result.stdout.split(separator: "\n") where line.hasPrefix(".") {
                    let columns = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                    guard columns.count >= 4 else { continue }
                    rows[String(columns[0].dropFirst())] = (columns[1], columns[2], columns[3...].joined(separator: " "))
                }
                #expect(Set(rows.keys) == contract.names, "\(result.stdout)")
                for member in contract.members {
                    let parts = member.split(separator: " ")
                    if parts[0] == "property" {
                        let row = rows[String(parts[1])]
                        #expect(row?.kind == "property" && row?.signature == String(parts[2]), "\(member): \(String(describing: row))")
                        let writable = parts.count > 3 && parts[3] == "readwrite"
                        #expect(row?.rest.contains("writable") == writable, "\(member): writable only when the XML says readwrite")
                    } else {
                        let name = String(parts[1].prefix { $0 != "(" })
                        #expect(rows[name]?.kind == String(parts[0]), "\(member)")
                    }
                }
                if interface == G.managerInterface {
                    #expect(rows["Version"]?.rest.contains("const") == true)
                    #expect(rows["StartSession"]?.signature == "a{sv}")
                } else {
                    #expect(rows["State"]?.rest.contains("emits-change") == true)
                    #expect(rows["SendToolResponse"]?.signature == "ssa{sv}")
                    #expect(rows["Closed"]?.signature == "uss")
                }
            }
            await owner.close()
        }
    }
}
