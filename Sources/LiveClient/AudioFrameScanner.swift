import Foundation
import LiveProtocol

/// Recognises the one frame the service sends many times a second, a model-audio frame, without
/// the Codable path:
///
/// ```json
/// {"serverContent": {"modelTurn": {"parts": [{"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": "…"}}]}}}
/// ```
///
/// Keys may come in either spelling (`serverContent` / `server_content`, `modelTurn` /
/// `model_turn`, `inlineData` / `inline_data`, `mimeType` / `mime_type`), in any order, with any
/// JSON whitespace; `modelTurn` may carry a `role`. Anything else declines (nil), and the frame
/// takes the Codable path: another key, a second part, a duplicate key, a backslash in any
/// string, another MIME type, empty or non-canonical base64 (URL-safe alphabet, missing padding,
/// non-zero trailing bits). Declining is always safe; a match decodes to exactly what
/// `ServerMessage.decode` would (the differential fuzz test in LiveClientTests holds it to that).
enum AudioFrameScanner {
    /// The MIME type the fast path takes: what the voice ring plays.
    static let mimeType = "audio/pcm;rate=24000"

    /// Where a recognised frame keeps its parts, as byte offsets into the scanned bytes.
    struct Match: Sendable, Equatable {
        /// The base64 text between its quotes.
        var data: Range<Int>
        /// The `role` string between its quotes, when there is one.
        var role: Range<Int>?

        /// How many bytes the base64 decodes to.
        func decodedCount(in bytes: UnsafeRawBufferPointer) -> Int {
            let count = data.count
            guard count > 0 else { return 0 }
            var padding = 0
            if bytes[data.upperBound - 1] == UInt8(ascii: "=") { padding += 1 }
            if count > 1, bytes[data.upperBound - 2] == UInt8(ascii: "=") { padding += 1 }
            return count / 4 * 3 - padding
        }
    }

    /// The audio frame's parts, or nil when `bytes` is anything else.
    static func scan(_ bytes: UnsafeRawBufferPointer) -> Match? {
        var cursor = Cursor(bytes: bytes)
        var match: Match?
        guard cursor.object({ key, cursor in
            guard key == .serverContent, match == nil else { return false }
            match = cursor.serverContent()
            return match != nil
        }) else { return nil }
        cursor.skipWhitespace()
        guard cursor.atEnd, let match, Base64Span.isCanonical(bytes, match.data) else { return nil }
        return match
    }

    /// The keys the scanner knows, each in both spellings.
    enum Key {
        case serverContent, modelTurn, parts, role, inlineData, mimeType, data

        init?(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
            let key = UnsafeRawBufferPointer(rebasing: bytes[range])
            for (candidate, spellings) in Self.spellings where spellings.contains(where: { key.elementsEqual($0.utf8) }) {
                self = candidate
                return
            }
            return nil
        }

        static let spellings: [(Key, [String])] = [
            (.serverContent, ["serverContent", "server_content"]), (.modelTurn, ["modelTurn", "model_turn"]),
            (.parts, ["parts"]), (.role, ["role"]), (.inlineData, ["inlineData", "inline_data"]),
            (.mimeType, ["mimeType", "mime_type"]), (.data, ["data"]),
        ]
    }

    /// A forward-only reader of the JSON subset the scanner accepts.
    struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
        }

        var atEnd: Bool { index == bytes.count }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func expect(_ byte: UInt8) -> Bool {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// A string without escapes or control characters; the range between its quotes.
        mutating func string() -> Range<Int>? {
            guard expect(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return start..<(index - 1)
                }
                guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { return nil }
                index += 1
            }
            return nil
        }

        /// An object whose every key is known and appears once; `member` reads each value.
        mutating func object(_ member: (Key, inout Cursor) -> Bool) -> Bool {
            guard expect(UInt8(ascii: "{")) else { return false }
            var seen: [Key] = []
            if expect(UInt8(ascii: "}")) { return true }
            repeat {
                guard let range = string(), let key = Key(bytes, range), !seen.contains(key),
                    expect(UInt8(ascii: ":"))
                else { return false }
                seen.append(key)
                guard member(key, &self) else { return false }
            } while expect(UInt8(ascii: ","))
            return expect(UInt8(ascii: "}"))
        }

        mutating func serverContent() -> Match? {
            var match: Match?
            guard object({ key, cursor in
                guard key == .modelTurn else { return false }
                match = cursor.modelTurn()
                return match != nil
            }) else { return nil }
            return match
        }

        mutating func modelTurn() -> Match? {
            var data: Range<Int>?
            var role: Range<Int>?
            guard object({ key, cursor in
                switch key {
                case .role:
                    // JSON text is UTF-8: the Codable path refuses a role that is not.
                    role = cursor.string()
                    return role.map { String(validating: UnsafeRawBufferPointer(rebasing: cursor.bytes[$0]), as: UTF8.self) != nil } ?? false
                case .parts:
                    guard cursor.expect(UInt8(ascii: "[")) else { return false }
                    data = cursor.part()
                    return data != nil && cursor.expect(UInt8(ascii: "]"))
                default:
                    return false
                }
            }), let data else { return nil }
            return Match(data: data, role: role)
        }

        mutating func part() -> Range<Int>? {
            var data: Range<Int>?
            guard object({ key, cursor in
                guard key == .inlineData else { return false }
                data = cursor.blob()
                return data != nil
            }) else { return nil }
            return data
        }

        mutating func blob() -> Range<Int>? {
            var data: Range<Int>?
            var typed = false
            guard object({ key, cursor in
                switch key {
                case .mimeType:
                    guard let range = cursor.string() else { return false }
                    typed = UnsafeRawBufferPointer(rebasing: cursor.bytes[range]).elementsEqual(AudioFrameScanner.mimeType.utf8)
                    return typed
                case .data:
                    data = cursor.string()
                    return data != nil
                default:
                    return false
                }
            }), typed else { return nil }
            return data
        }
    }
}

/// Standard base64 decoded straight from bytes into memory the caller owns, with no `String` or
/// `Data` in between.
enum Base64Span {
    /// True for non-empty, padded, standard-alphabet base64 whose unused trailing bits are zero:
    /// the form every base64 decoder reads the same way.
    static func isCanonical(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        let count = range.count
        guard count > 0, count % 4 == 0 else { return false }
        var padding = 0
        for index in range {
            let value = table[Int(bytes[index])]
            if value == 0xFE {
                guard index >= range.upperBound - 2 else { return false }
                padding += 1
            } else if value == 0xFF || padding > 0 {
                return false
            }
        }
        let last = table[Int(bytes[range.upperBound - 1 - padding])]
        switch padding {
        case 1: return last & 0x03 == 0
        case 2: return last & 0x0F == 0
        default: return true
        }
    }

    /// Decodes canonical base64 (``isCanonical(_:_:)``) from `range` of `bytes` into
    /// `destination`, which holds at least the decoded count; returns that count.
    static func decode(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, into destination: UnsafeMutableRawBufferPointer) -> Int {
        var out = 0
        var index = range.lowerBound
        while index < range.upperBound {
            let a = UInt32(table[Int(bytes[index])])
            let b = UInt32(table[Int(bytes[index + 1])])
            let c = table[Int(bytes[index + 2])]
            let d = table[Int(bytes[index + 3])]
            destination[out] = UInt8(truncatingIfNeeded: a << 2 | b >> 4)
            out += 1
            if c == 0xFE { break }
            destination[out] = UInt8(truncatingIfNeeded: b << 4 | UInt32(c) >> 2)
            out += 1
            if d == 0xFE { break }
            destination[out] = UInt8(truncatingIfNeeded: UInt32(c) << 6 | UInt32(d))
            out += 1
            index += 4
        }
        return out
    }

    /// Sextet values of the standard alphabet; 0xFE for `=`, 0xFF for anything else.
    static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(value)
        }
        table[Int(UInt8(ascii: "="))] = 0xFE
        return table
    }()
}

extension AudioFrameScanner.Match {
    /// The message the Codable path decodes from the same bytes.
    func message(in bytes: UnsafeRawBufferPointer) -> ServerMessage {
        var pcm = [UInt8](repeating: 0, count: decodedCount(in: bytes))
        _ = pcm.withUnsafeMutableBytes { Base64Span.decode(bytes, data, into: $0) }
        let roleText = role.map { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        let blob = Blob(mimeType: AudioFrameScanner.mimeType, data: .init(pcm))
        return ServerMessage(serverContent: ServerContent(modelTurn: Content(role: roleText, parts: [Part(inlineData: blob)])))
    }
}
