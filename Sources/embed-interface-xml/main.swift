import Foundation

// Writes a Swift file declaring `InterfaceXML.files`: each input file's name and text.
// Usage: embed-interface-xml OUTPUT.swift FILE.xml...

let arguments = CommandLine.arguments.dropFirst()
guard let output = arguments.first else {
    FileHandle.standardError.write(Data("usage: embed-interface-xml OUTPUT.swift FILE.xml...\n".utf8))
    exit(2)
}
var source = """
    // Generated from dbus/*.xml by the EmbedInterfaceXML plugin. Do not edit.

    /// The D-Bus interface XML files of `dbus/`, by file name.
    enum InterfaceXML {
        static let files: [String: String] = [

    """
for path in arguments.dropFirst() {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        FileHandle.standardError.write(Data("embed-interface-xml: cannot read \(path)\n".utf8))
        exit(1)
    }
    var hashes = "#"
    while text.contains("\"" + hashes) { hashes += "#" }
    let name = URL(fileURLWithPath: path).lastPathComponent
    source += "        \"\(name)\": \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes),\n"
}
source += "    ]\n}\n"
do {
    try source.write(toFile: output, atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("embed-interface-xml: cannot write \(output): \(error)\n".utf8))
    exit(1)
}
