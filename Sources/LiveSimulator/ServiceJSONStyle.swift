import Foundation

/// Rewrites Foundation's pretty-printed JSON into the layout the service sends: `"key": value`
/// (no space before the colon) and empty objects and arrays as `{}` and `[]`, keeping the
/// two-space indentation and the trailing newline (a logged service frame:
/// `{\n  "setupComplete": {}\n}\n`). String contents are never touched.
enum ServiceJSONStyle {
    /// `json` (pretty-printed by `JSONEncoder`) in the service's layout.
    static func restyle(_ json: Data) -> Data {
        let bytes = [UInt8](json)
        var output = [UInt8]()
        output.reserveCapacity(bytes.count)
        var inString = false
        var escaped = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                output.append(byte)
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                output.append(byte)
                index += 1
            case UInt8(ascii: " ") where index + 2 < bytes.count && bytes[index + 1] == UInt8(ascii: ":"):
                index += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                var next = index + 1
                while next < bytes.count, bytes[next] == UInt8(ascii: "\n") || bytes[next] == UInt8(ascii: " ") { next += 1 }
                output.append(byte)
                if next < bytes.count, bytes[next] == close {
                    output.append(close)
                    index = next + 1
                } else {
                    index += 1
                }
            default:
                output.append(byte)
                index += 1
            }
        }
        return Data(output)
    }
}
