import DBusService
import Foundation
import IntrospectionXML

// Writes a Swift file declaring `InterfaceTables.descriptions`: every interface of the input files as an
// `InterfaceDescription` value, so the serving target reads no XML at run time (and links no XML parser).
// Usage: embed-interface-xml OUTPUT.swift FILE.xml...

let arguments = CommandLine.arguments.dropFirst()
guard let output = arguments.first else {
    FileHandle.standardError.write(Data("usage: embed-interface-xml OUTPUT.swift FILE.xml...\n".utf8))
    exit(2)
}
var entries: [String] = []
for path in arguments.dropFirst() {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        FileHandle.standardError.write(Data("embed-interface-xml: cannot read \(path)\n".utf8))
        exit(1)
    }
    do {
        for interface in try InterfaceDescription.parse(xml: text) {
            entries.append("        \"\(interface.name)\": \(interface.swiftSource),\n")
        }
    } catch {
        FileHandle.standardError.write(Data("\(path): error: \(error)\n".utf8))
        exit(1)
    }
}
let source = """
    // Generated from dbus/*.xml by the EmbedInterfaceXML plugin. Do not edit.

    import DBusService

    /// The D-Bus interfaces of `dbus/*.xml`, by interface name, as the build read them.
    enum InterfaceTables {
        static let descriptions: [String: InterfaceDescription] = [
    \(entries.joined())    ]
    }

    """
do {
    try source.write(toFile: output, atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("embed-interface-xml: cannot write \(output): \(error)\n".utf8))
    exit(1)
}
