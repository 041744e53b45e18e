import FuzzSupport
import LiveProtocol

/// Makes fuzz cases for the server-frame decoder: corpus frames as they are, mutated through their JSON tree
/// (wrong types, deleted, duplicated and renamed keys, deep nesting, huge numbers, bad escapes and base64, odd
/// Unicode, very long strings), mutated as bytes (bit flips, truncation, splicing, invalid UTF-8), random
/// documents, and fixed hostile inputs.
struct FrameMutator {
    /// How a case was made; the fuzz test counts cases per kind.
    enum Kind: String, CaseIterable, Sendable {
        case corpus, structural, bytes, structuralThenBytes, random, hostile
    }

    /// One case: how it was made and the frame's bytes.
    struct Case {
        var kind: Kind
        var bytes: [UInt8]
    }

    let corpus: [[UInt8]]
    let trees: [FuzzJSON]

    /// A mutator over `corpus` (each frame that parses as JSON also seeds the structural mutations).
    init(corpus: [[UInt8]]) {
        self.corpus = corpus
        trees = corpus.compactMap { bytes in (try? JSONValue(parsing: String(decoding: bytes, as: UTF8.self))).map(FuzzJSON.init) }
    }

    /// The case `rng` draws.
    func makeCase(_ rng: inout SplitMix64) -> Case {
        switch rng.below(20) {
        case 0: return Case(kind: .corpus, bytes: rng.pick(corpus))
        case 1...8: return Case(kind: .structural, bytes: structural(&rng))
        case 9...13: return Case(kind: .bytes, bytes: byteMutations(of: rng.pick(corpus), &rng))
        case 14...16: return Case(kind: .structuralThenBytes, bytes: byteMutations(of: structural(&rng), &rng))
        case 17, 18: return Case(kind: .random, bytes: randomDocument(&rng))
        default: return Case(kind: .hostile, bytes: hostile(&rng))
        }
    }

    // MARK: Through the JSON tree

    private func structural(_ rng: inout SplitMix64) -> [UInt8] {
        var tree = rng.pick(trees)
        for _ in 0..<rng.int(in: 1...3) {
            let index = rng.below(tree.nodeCount)
            tree = tree.replacingNode(at: index) { node in Self.mutate(node, &rng) }
        }
        return tree.rendered(pretty: rng.chance(1, in: 2))
    }

    private static func mutate(_ node: FuzzJSON, _ rng: inout SplitMix64) -> FuzzJSON {
        switch rng.below(10) {
        case 0: return randomScalar(&rng)
        case 1: return randomTree(depth: rng.int(in: 1...4), &rng)
        case 2: return .literal(rng.pick(numbers))
        case 3: return .string(oddString(&rng))
        case 4: return nested(node, depth: rng.pick([2, 10, 100, 511, 512, 513, 600]), &rng)
        case 5: return .string(rng.pick(badBase64))
        default: return mutateContainer(node, &rng)
        }
    }

    /// Deletes, duplicates or renames a member (or element); other nodes get a wrong-typed value instead.
    private static func mutateContainer(_ node: FuzzJSON, _ rng: inout SplitMix64) -> FuzzJSON {
        switch node {
        case .object(var members) where !members.isEmpty:
            let index = rng.below(members.count)
            switch rng.below(4) {
            case 0: members.remove(at: index)
            case 1:
                var duplicate = members[index]
                duplicate.value = rng.chance(1, in: 2) ? randomScalar(&rng) : duplicate.value
                members.insert(duplicate, at: rng.int(in: 0...members.count))
            case 2: members[index].key = renamed(members[index].key, &rng)
            default: members.append(FuzzJSON.Member(key: rng.pick(keys), value: randomTree(depth: 2, &rng)))
            }
            return .object(members)
        case .array(var items) where !items.isEmpty:
            let index = rng.below(items.count)
            if rng.chance(1, in: 2) { items.remove(at: index) } else { items.append(contentsOf: repeatElement(items[index], count: rng.int(in: 1...8))) }
            return .array(items)
        case .object, .array:
            return randomScalar(&rng)
        case .string:
            return rng.chance(1, in: 2) ? .array([node]) : .object([FuzzJSON.Member(key: "text", value: node)])
        case .literal:
            return rng.chance(1, in: 2) ? .string(rng.pick(numbers)) : .literal(rng.pick(numbers))
        }
    }

    private static func renamed(_ key: String, _ rng: inout SplitMix64) -> String {
        switch rng.below(6) {
        case 0: return snakeCase(key)
        case 1: return key.uppercased()
        case 2: return ""
        case 3: return "_" + key + "_"
        case 4: return oddString(&rng)
        default: return rng.pick(keys)
        }
    }

    private static func snakeCase(_ key: String) -> String {
        var result = ""
        for character in key {
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
        return result
    }

    private static func nested(_ node: FuzzJSON, depth: Int, _ rng: inout SplitMix64) -> FuzzJSON {
        let key = rng.pick(keys)
        let asArrays = rng.chance(1, in: 2)
        var result = node
        for _ in 0..<depth { result = asArrays ? .array([result]) : .object([FuzzJSON.Member(key: key, value: result)]) }
        return result
    }

    static func randomTree(depth: Int, _ rng: inout SplitMix64) -> FuzzJSON {
        guard depth > 0, rng.chance(2, in: 3) else { return randomScalar(&rng) }
        let count = rng.int(in: 0...4)
        if rng.chance(1, in: 2) {
            return .array((0..<count).map { _ in randomTree(depth: depth - 1, &rng) })
        }
        return .object((0..<count).map { _ in
            FuzzJSON.Member(key: rng.chance(3, in: 4) ? rng.pick(keys) : oddString(&rng), value: randomTree(depth: depth - 1, &rng))
        })
    }

    static func randomScalar(_ rng: inout SplitMix64) -> FuzzJSON {
        switch rng.below(6) {
        case 0: return .literal(rng.pick(["null", "true", "false"]))
        case 1, 2: return .literal(rng.pick(numbers))
        case 3: return .string(rng.pick(keys))
        case 4: return .string(rng.pick(badBase64))
        default: return .string(oddString(&rng))
        }
    }

    /// Escaped string bodies with odd Unicode, bad escapes, or great length.
    static func oddString(_ rng: inout SplitMix64) -> String {
        switch rng.below(8) {
        case 0: return rng.pick(oddUnicode)
        case 1: return rng.pick(badEscapes)
        case 2: return String(repeating: rng.pick(["a", "é", "😀", "\\u0041", "\\n"]), count: rng.pick([100, 5_000, 40_000]))
        case 3: return ""
        default:
            return (0..<rng.int(in: 1...12)).map { _ in rng.pick(oddUnicode + badEscapes + keys) }.joined()
        }
    }

    // MARK: As bytes

    private func byteMutations(of frame: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = frame
        for _ in 0..<rng.int(in: 1...6) {
            let position = rng.below(bytes.count + 1)
            switch rng.below(9) {
            case 0 where !bytes.isEmpty: bytes[min(position, bytes.count - 1)] ^= 1 << UInt8(rng.below(8))
            case 1 where !bytes.isEmpty: bytes[min(position, bytes.count - 1)] = rng.byte()
            case 2: bytes.insert(contentsOf: (0..<rng.int(in: 1...8)).map { _ in rng.byte() }, at: position)
            case 3: bytes.removeSubrange(position..<min(bytes.count, position + rng.int(in: 1...16)))
            case 4: bytes = Array(bytes.prefix(position))
            case 5:
                let other = rng.pick(corpus)
                bytes = Array(bytes.prefix(position)) + other.suffix(from: rng.below(other.count + 1))
            case 6: bytes.insert(contentsOf: rng.pick(Self.invalidUTF8), at: position)
            case 7 where !bytes.isEmpty:
                let start = min(position, bytes.count - 1)
                let chunk = bytes[start..<min(bytes.count, start + rng.int(in: 1...32))]
                bytes.insert(contentsOf: chunk, at: start)
            default: bytes.insert(rng.pick(Array("{}[]\":,\\ \n0-e.".utf8)), at: position)
            }
        }
        return bytes
    }

    // MARK: Whole documents

    private func randomDocument(_ rng: inout SplitMix64) -> [UInt8] {
        if rng.chance(1, in: 4) { return (0..<rng.int(in: 0...64)).map { _ in rng.byte() } }
        let top = FuzzJSON.object((0..<rng.int(in: 1...3)).map { _ in
            FuzzJSON.Member(key: rng.pick(Self.topLevelKeys), value: Self.randomTree(depth: rng.int(in: 1...5), &rng))
        })
        return top.rendered(pretty: rng.chance(1, in: 2))
    }

    private func hostile(_ rng: inout SplitMix64) -> [UInt8] {
        let depth = rng.pick([64, 511, 512, 513, 2_000, 100_000])
        switch rng.below(10) {
        case 0: return rng.pick([[], Array(" \n\t".utf8), Array("null".utf8), Array("[]".utf8), Array("\"\"".utf8), Array("0".utf8), [0]])
        case 1: return Array(repeating: UInt8(ascii: "["), count: depth)
        case 2: return Array(String(repeating: "{\"a\":", count: depth).utf8) + Array("{}".utf8) + Array(repeating: UInt8(ascii: "}"), count: depth)
        case 3:
            let args = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            return Array(#"{"toolCall": {"functionCalls": [{"id": "x", "name": "f", "args": {"deep": \#(args)}}]}}"#.utf8)
        case 4: return [0xEF, 0xBB, 0xBF] + rng.pick(corpus)
        case 5: return Array(String(decoding: rng.pick(corpus), as: UTF8.self).utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] })
        case 6:
            let data = String(repeating: "AAAA", count: rng.pick([1, 20_000, 300_000]))
            return Array(#"{"serverContent": {"modelTurn": {"parts": [{"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": "\#(data)"}}]}}}"#.utf8)
        case 7:
            let member = #""serverContent": {"turnComplete": true}"#
            return Array(("{" + Array(repeating: member, count: rng.pick([2, 1_000])).joined(separator: ",") + "}").utf8)
        case 8: return Array(#"{"goAway": {"timeLeft": \#(rng.pick(Self.durations))}}"#.utf8)
        default:
            let value = rng.pick(Self.numbers)
            let field = rng.pick(["promptTokenCount", "totalTokenCount", "tokenCount"])
            return Array(#"{"usageMetadata": {"\#(field)": \#(value), "promptTokensDetails": [{"modality": "TEXT", "tokenCount": \#(value)}]}, "sessionResumptionUpdate": {"lastConsumedClientMessageIndex": \#(value)}}"#.utf8)
        }
    }

    // MARK: Vocabulary

    static let topLevelKeys = [
        "setupComplete", "serverContent", "toolCall", "toolCallCancellation", "goAway", "sessionResumptionUpdate",
        "usageMetadata", "voiceActivity", "server_content", "tool_call", "go_away", "unknownFutureField",
    ]

    static let keys = topLevelKeys + [
        "modelTurn", "parts", "text", "inlineData", "mimeType", "data", "thought", "functionCall", "functionResponse",
        "generationComplete", "turnComplete", "interrupted", "inputTranscription", "outputTranscription", "finished",
        "groundingMetadata", "waitingForInput", "turnCompleteReason", "interactionStatus", "functionCalls", "id",
        "name", "args", "ids", "timeLeft", "newHandle", "resumable", "lastConsumedClientMessageIndex",
        "promptTokenCount", "responseTokenCount", "totalTokenCount", "promptTokensDetails", "modality", "tokenCount",
        "role", "sessionId", "voiceActivityType", "model_turn", "inline_data", "mime_type", "time_left",
    ]

    static let numbers = [
        "0", "-0", "1", "-1", "1.5", "1e400", "-1e400", "1e-400", "1E+2", "123456789012345678901234567890",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "2147483648", "4294967296", "1.7976931348623157e308", "1.7976931348623157e309", "5e-324", "0.1e-999999",
        "1e999999999999", "01", "-", "1.", ".5", "+1", "NaN", "Infinity", "-Infinity", "0x10", "1_000",
    ]

    static let durations = [
        "\"50s\"", "\"0.5s\"", "\"-5s\"", "\"1e300s\"", "\"infs\"", "\"nans\"", "\"s\"", "\"\"", "\"10\"",
        "\"9999999999999999999s\"", "1e300", "-1e300", "1.7976931348623157e308", "-5", "1e-300", "true", "null",
        "[\"10s\"]", "{\"seconds\": 10}", "\"315576000000s\"", "\"315576000001s\"",
    ]

    static let badBase64 = ["%%%", "A", "AA=A", "A===", "====", "_9=j_", "AAAA\\u0000", "😀😀😀😀", "AA AA", "AAE=AAE="]

    static let oddUnicode = [
        "\u{202E}gnp.exe", "e\u{0301}\u{0301}\u{0301}", "👩‍👩‍👧‍👦", "\u{FFFF}", "\u{FFFE}", "\u{10FFFF}", "\u{FEFF}",
        "\u{200B}", "ﷺ", "𝕳𝖊𝖑𝖑𝖔", "\u{E000}", "İı", "ß",
    ]

    static let badEscapes = [
        "\\ud800", "\\udc00", "\\udc00\\ud800", "\\ud83d\\ude00", "\\u0000", "\\uZZZZ", "\\u12", "\\x41", "\\",
        "\\'", "\\/", "\u{01}", "\u{1F}", "\\u",
    ]

    static let invalidUTF8: [[UInt8]] = [
        [0xFF], [0xFE, 0xFF], [0xC0, 0x80], [0x80], [0xBF, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xC3],
    ]
}
