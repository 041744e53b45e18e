import Foundation
import ArgumentParser
import DBusService

/// `gemini-live sessions`: the open sessions and their key properties.
struct Sessions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the open sessions (ListSessions) with their state, model, turn and owner.")

    @OptionGroup var bus: BusOptions

    @Flag(help: "Print a JSON array of objects instead of a table.")
    var json = false

    static let shownProperties = ["State", "Model", "Turn", "Owner", "InputNode", "OutputNode", "LastError"]

    func run() async throws {
        try await bus.withClient { client in
            var rows: [[String: JSONValueText]] = []
            for path in try await client.listSessions() {
                // A session can close between ListSessions and GetAll; it is then simply not listed.
                guard let properties = try? await client.properties(path, GatewayClient.sessionInterface) else { continue }
                var row: [String: JSONValueText] = ["path": .string(path)]
                for name in Self.shownProperties {
                    if let value = properties[name] { row[name.snakeCased] = value.plain }
                }
                rows.append(row)
            }
            if json {
                try Terminal.printJSON(rows)
                return
            }
            guard !rows.isEmpty else {
                Terminal.write("No open sessions.\n")
                return
            }
            let columns = ["path", "state", "model", "turn", "owner"]
            let table = rows.map { row in columns.map { row[$0]?.text ?? "" } }
            let widths = columns.indices.map { index in
                max(columns[index].count, table.map { $0[index].count }.max() ?? 0)
            }
            func line(_ cells: [String]) -> String {
                zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                    .joined(separator: "  ").trimmingTrailingSpaces + "\n"
            }
            Terminal.write(line(columns.map { $0.uppercased() }))
            for cells in table { Terminal.write(line(cells)) }
            for row in rows {
                if let error = row["last_error"]?.text, !error.isEmpty {
                    Terminal.write("\(row["path"]?.text ?? ""): last error: \(error)\n")
                }
            }
        }
    }
}

extension String {
    /// `LastError` → `last_error`.
    var snakeCased: String {
        var result = ""
        for character in self {
            if character.isUppercase, !result.isEmpty { result.append("_") }
            result.append(contentsOf: character.lowercased())
        }
        return result
    }

    var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
