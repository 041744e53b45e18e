import Foundation
import LiveProtocol

/// When the simulated model calls a declared function, from the user's text.
///
/// Rules, checked per declared function in declaration order:
/// 1. `call <name> {json}` anywhere in the text calls `<name>` with that JSON object as `args`
///    (the object runs from the first `{` after the name to its matching `}`; `{}` when absent or
///    invalid);
/// 2. otherwise the text containing the function's name as a whole word (letters, digits and `_`
///    delimit words) calls it with `args: {}`.
///
/// Every matching function is called, in one `toolCall`. Audio turns never call functions.
enum ToolCallTrigger {
    /// The calls `text` triggers among `functions` (ids not yet assigned).
    static func calls(in text: String, functions: [FunctionDeclaration]) -> [(name: String, args: JSONValue)] {
        functions.compactMap { function in
            let name = function.name
            guard !name.isEmpty, let range = wholeWord(name, in: text) else { return nil }
            let before = text[..<range.lowerBound].split(whereSeparator: { !isWordCharacter($0) })
            if before.last?.lowercased() == "call" {
                return (name, arguments(after: text[range.upperBound...]))
            }
            return (name, .object([:]))
        }
    }

    /// The first occurrence of `word` not touching other word characters.
    static func wholeWord(_ word: String, in text: String) -> Range<String.Index>? {
        var searchStart = text.startIndex
        while let range = text.range(of: word, range: searchStart..<text.endIndex) {
            let beforeOK = range.lowerBound == text.startIndex || !isWordCharacter(text[text.index(before: range.lowerBound)])
            let afterOK = range.upperBound == text.endIndex || !isWordCharacter(text[range.upperBound])
            if beforeOK && afterOK { return range }
            searchStart = range.upperBound
        }
        return nil
    }

    /// The JSON object that starts at the first `{` of `rest`.
    static func arguments(after rest: Substring) -> JSONValue {
        guard let open = rest.firstIndex(of: "{") else { return .object([:]) }
        var depth = 0
        var inString = false
        var escaped = false
        var index = open
        while index < rest.endIndex {
            let character = rest[index]
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" {
                    inString = false
                }
            } else if character == "\"" {
                inString = true
            } else if character == "{" {
                depth += 1
            } else if character == "}" {
                depth -= 1
                if depth == 0 {
                    let json = String(rest[open...index])
                    if let value = try? JSONValue(parsing: json), case .object = value { return value }
                    return .object([:])
                }
            }
            index = rest.index(after: index)
        }
        return .object([:])
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }
}
