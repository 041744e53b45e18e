import Foundation
import PackagePlugin

/// Generates the D-Bus interface tables of `dbus/*.xml` as Swift (`InterfaceTables.descriptions`), so
/// that the files in `dbus/` are the one source of the API (for the code, the docs and introspection)
/// and the target parses no XML at run time.
@main
struct EmbedInterfaceXML: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let directory = context.package.directoryURL.appending(path: "dbus")
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "xml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "InterfaceTables.swift")
        return [
            .buildCommand(
                displayName: "Generating D-Bus interface tables from dbus/*.xml",
                executable: try context.tool(named: "embed-interface-xml").url,
                arguments: [output.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output])
        ]
    }
}
