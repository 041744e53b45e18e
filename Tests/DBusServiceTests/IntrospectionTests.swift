import BusTestSupport
import DBusService
import IntrospectionXML
import Foundation
import Testing

@Suite("Introspection XML and Introspect")
struct IntrospectionTests {
    @Test("the XML parser builds the interface model")
    func parseModel() throws {
        let interface = try InterfaceDescription.parse(xml: testInterfaceXML, interface: testInterfaceName)
        #expect(interface.methods.map(\.name) == ["EchoAll", "Describe", "Wait", "Release", "Fail", "Crash"])
        #expect(interface.method(named: "EchoAll")?.inSignature.text == "ybnqiuxtdsogasaoaya{sv}a{ss}(si)")
        #expect(interface.method(named: "Wait")?.outSignature.text == "ss")
        #expect(interface.signal(named: "Text")?.signature.text == "su")
        #expect(interface.property(named: "Volume")?.access == .readwrite)
        #expect(interface.property(named: "Volume")?.emitsChangedSignal == .true)
        #expect(interface.property(named: "Serial")?.emitsChangedSignal == .invalidates)
        #expect(interface.property(named: "Model")?.emitsChangedSignal == .const)
        #expect(interface.documentation?.contains("every feature") == true)
    }

    @Test("malformed interface XML is a parse error with a line", arguments: [
        "<node><interface name=\"bad name\"/></node>",
        "<node><interface name=\"a.b\"><method name=\"M\"><arg type=\"a{\"/></method></interface></node>",
        "<node><interface name=\"a.b\"><property name=\"P\" type=\"s\" access=\"sometimes\"/></interface></node>",
        "<node><interface name=\"a.b\">",
    ])
    func malformed(_ xml: String) {
        #expect(throws: IntrospectionParseError.self) { try InterfaceDescription.parse(xml: xml) }
    }

    @Test("busctl introspect returns the declared members, the standard interfaces and child nodes")
    func introspectOverBus() async throws {
        try await TestBus.with { bus in
            let service = try await TestService.start(on: bus)
            let state = TestServiceState()
            for child in ["session/1", "session/2"] {
                let path = try service.path.appending("session").appending(String(child.split(separator: "/")[1]))
                try await service.connection.export(ExportedObject(path: path, interfaces: [try makeTestInterface(state)]))
            }

            let xml = try await bus.busctl("introspect", "--xml-interface", TestService.busName, service.path.rawValue)
            #expect(xml.status == 0, "\(xml.stderr)")
            let parsed = try InterfaceDescription.parse(xml: xml.stdout)
            let declared = try InterfaceDescription.parse(xml: testInterfaceXML, interface: testInterfaceName)
            #expect(parsed.first { $0.name == testInterfaceName } == declared)
            #expect(Set(parsed.map(\.name)).isSuperset(of: [
                "org.freedesktop.DBus.Introspectable", "org.freedesktop.DBus.Peer", "org.freedesktop.DBus.Properties",
            ]))
            #expect(xml.stdout.contains("<node name=\"session\"/>"))

            let sessions = try await bus.busctl("introspect", "--xml-interface", TestService.busName, service.path.rawValue + "/session")
            #expect(sessions.stdout.contains("<node name=\"1\"/>"))
            #expect(sessions.stdout.contains("<node name=\"2\"/>"))

            let tree = try await bus.busctl("tree", TestService.busName)
            #expect(tree.status == 0, "\(tree.stderr)")
            #expect(tree.stdout.contains("/io/github/geminilive/Test1/session/1"))
            #expect(tree.stdout.contains("/io/github/geminilive/Test1/session/2"))

            let table = try await bus.busctl("introspect", TestService.busName, service.path.rawValue, testInterfaceName)
            for member in [".EchoAll", ".Wait", ".Text", ".Volume", ".Version"] {
                #expect(table.stdout.contains(member), "busctl introspect lacks \(member)")
            }
            #expect(table.stdout.contains("const"), "Model should be shown as const")
            await service.connection.close()
        }
    }
}
