import LiveProtocol

/// A JSON document held as text pieces, so a fuzzer can write what ``JSONValue`` cannot: duplicate keys, numbers
/// of any spelling (`1e400`, `-0`, `01`), strings with raw escapes (`\ud800`), keys in any casing.
indirect enum FuzzJSON: Sendable {
    /// `null`, `true`, `false` or a number, written verbatim (possibly not valid JSON).
    case literal(String)
    /// A string; the text between the quotes is written verbatim, so it must already be escaped.
    case string(String)
    /// An array.
    case array([FuzzJSON])
    /// An object whose members keep their order and may repeat a key; keys are written verbatim too.
    case object([Member])

    /// One member of an object.
    struct Member: Sendable {
        var key: String
        var value: FuzzJSON
    }

    /// The tree of a parsed JSON value, strings escaped as JSON requires.
    init(_ value: JSONValue) {
        switch value {
        case .null: self = .literal("null")
        case .bool(let flag): self = .literal(flag ? "true" : "false")
        case .number(let number):
            self = .literal(number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : "\(number)")
        case .string(let text): self = .string(Self.escaped(text))
        case .array(let items): self = .array(items.map(FuzzJSON.init))
        case .object(let members):
            self = .object(members.sorted { $0.key < $1.key }.map { Member(key: Self.escaped($0.key), value: FuzzJSON($0.value)) })
        }
    }

    /// `text` escaped for the inside of a JSON string.
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The document as UTF-8 bytes, pretty-printed like the service (two-space indents, at most 32 levels deep so
    /// that deep nesting stays linear in size) or compact.
    func rendered(pretty: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        render(into: &bytes, pretty: pretty, indent: 0)
        if pretty { bytes.append(UInt8(ascii: "\n")) }
        return bytes
    }

    private func render(into bytes: inout [UInt8], pretty: Bool, indent: Int) {
        func newline(_ level: Int) {
            guard pretty else { return }
            bytes.append(UInt8(ascii: "\n"))
            bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * min(level, 32)))
        }
        switch self {
        case .literal(let text):
            bytes.append(contentsOf: text.utf8)
        case .string(let body):
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: body.utf8)
            bytes.append(UInt8(ascii: "\""))
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                item.render(into: &bytes, pretty: pretty, indent: indent + 1)
            }
            if !items.isEmpty { newline(indent) }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                bytes.append(UInt8(ascii: "\""))
                bytes.append(contentsOf: member.key.utf8)
                bytes.append(contentsOf: pretty ? Array("\" : ".utf8) : Array("\":".utf8))
                member.value.render(into: &bytes, pretty: pretty, indent: indent + 1)
            }
            if !members.isEmpty { newline(indent) }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// How many nodes the tree has (the node indices ``replacingNode(at:with:)`` accepts are `0..<nodeCount`).
    var nodeCount: Int {
        switch self {
        case .literal, .string: 1
        case .array(let items): 1 + items.reduce(0) { $0 + $1.nodeCount }
        case .object(let members): 1 + members.reduce(0) { $0 + $1.value.nodeCount }
        }
    }

    /// The node at pre-order `index`.
    func node(at index: Int) -> FuzzJSON {
        var remaining = index
        return find(&remaining) ?? self
    }

    private func find(_ remaining: inout Int) -> FuzzJSON? {
        if remaining == 0 { return self }
        remaining -= 1
        switch self {
        case .literal, .string: return nil
        case .array(let items):
            for item in items { if let found = item.find(&remaining) { return found } }
        case .object(let members):
            for member in members { if let found = member.value.find(&remaining) { return found } }
        }
        return nil
    }

    /// The tree with the node at pre-order `index` replaced by `transform(node)`.
    func replacingNode(at index: Int, with transform: (FuzzJSON) -> FuzzJSON) -> FuzzJSON {
        var remaining = index
        return replacing(&remaining, transform)
    }

    private func replacing(_ remaining: inout Int, _ transform: (FuzzJSON) -> FuzzJSON) -> FuzzJSON {
        if remaining == 0 {
            remaining = -1
            return transform(self)
        }
        guard remaining > 0 else { return self }
        remaining -= 1
        switch self {
        case .literal, .string: return self
        case .array(let items): return .array(items.map { $0.replacing(&remaining, transform) })
        case .object(let members):
            return .object(members.map { Member(key: $0.key, value: $0.value.replacing(&remaining, transform)) })
        }
    }
}
