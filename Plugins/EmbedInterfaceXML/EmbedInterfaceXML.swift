import Foundation
import PackagePlugin

/// Embeds the D-Bus interface XML of `dbus/` into the target as Swift string constants, so that
/// the files in `dbus/` are the one source of the API: for the code, the docs and introspection.
@main
struct EmbedInterfaceXML: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let directory = context.package.directoryURL.appending(path: "dbus")
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "xml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "InterfaceXML.swift")
        return [
            .buildCommand(
                displayName: "Embedding D-Bus interface XML",
                executable: try context.tool(named: "embed-interface-xml").url,
                arguments: [output.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output])
        ]
    }
}
