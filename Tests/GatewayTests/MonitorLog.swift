import Foundation

/// Messages parsed from `dbus-monitor`'s default output:
/// ```
/// signal time=… sender=:1.3 -> destination=(null destination) serial=12 path=/…; interface=…; member=Closed
///    uint32 1000
///    string "closed by the client"
/// ```
struct MonitorLog {
    /// One message: its header fields and its argument lines (`uint64 0`, `string "hi"`, …).
    struct Message {
        var kind: String
        var path: String
        var interface: String
        var member: String
        var lines: [String]

        /// The values of the argument lines of `type` (e.g. `string`), unquoted.
        func values(_ type: String) -> [String] {
            lines.compactMap { line in
                guard line.hasPrefix(type + " ") else { return nil }
                var value = String(line.dropFirst(type.count + 1))
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                return value
            }
        }
    }

    var messages: [Message] = []

    init(_ output: String) {
        var current: Message?
        for rawLine in output.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine)
            if let first = line.first, !first.isWhitespace {
                if let current { messages.append(current) }
                current = Self.header(line)
            } else if current != nil {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { current?.lines.append(trimmed) }
            }
        }
        if let current { messages.append(current) }
    }

    /// Messages of `interface` (and `member`, when given), in order.
    func signals(_ interface: String, _ member: String? = nil, path: String? = nil) -> [Message] {
        messages.filter {
            $0.kind == "signal" && $0.interface == interface && (member == nil || $0.member == member)
                && (path == nil || $0.path == path)
        }
    }

    private static func header(_ line: String) -> Message? {
        let kind = String(line.prefix { !$0.isWhitespace })
        func field(_ name: String) -> String {
            guard let range = line.range(of: " \(name)=") else { return "" }
            return String(line[range.upperBound...].prefix { $0 != ";" && $0 != " " })
        }
        return Message(kind: kind, path: field("path"), interface: field("interface"), member: field("member"), lines: [])
    }
}
