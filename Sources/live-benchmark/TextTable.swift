/// A plain-text table with aligned columns.
final class TextTable {
    private let header: [String]
    private let rightAligned: [Bool]
    private var rows: [[String]?] = []

    init(header: [String], rightAligned: [Bool]) {
        self.header = header
        self.rightAligned = rightAligned
    }

    func addRow(_ cells: [String]) { rows.append(cells) }

    /// A horizontal rule between groups of rows.
    func addSeparator() { rows.append(nil) }

    func print() {
        var widths = header.map(\.count)
        for case let row? in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return rightAligned[index] ? padding + cell : cell + padding
            }.joined(separator: " | ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-")
        Swift.print(line(header))
        Swift.print(rule)
        for row in rows {
            Swift.print(row.map(line) ?? rule)
        }
    }
}
