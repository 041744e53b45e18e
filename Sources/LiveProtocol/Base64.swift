import Foundation

/// Base64 as the Live service speaks it: standard alphabet out, standard *or* URL-safe alphabet in,
/// padding optional on input (python-genai sends URL-safe, padded; the service sends standard).
public enum Base64 {
    /// Standard base64 with padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes standard or URL-safe base64, with or without padding. Returns nil for anything else,
    /// including padding in the middle (`"AA=A"`), which Foundation alone would accept.
    public static func decode(_ text: String) -> Data? {
        guard paddingIsWellPlaced(text) else { return nil }
        if let data = Data(base64Encoded: text) { return data }
        var normalized = String()
        normalized.reserveCapacity(text.utf8.count + 3)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "-": normalized.append("+")
            case "_": normalized.append("/")
            case "\n", "\r": continue
            default: normalized.unicodeScalars.append(scalar)
            }
        }
        let remainder = normalized.utf8.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { normalized.append(String(repeating: "=", count: 4 - remainder)) }
        return Data(base64Encoded: normalized)
    }

    /// True when `=` appears only at the end, at most twice (line breaks may follow).
    static func paddingIsWellPlaced(_ text: String) -> Bool {
        func check(_ bytes: some Collection<UInt8>) -> Bool {
            guard let first = bytes.firstIndex(of: UInt8(ascii: "=")) else { return true }
            var padding = 0
            for byte in bytes[first...] {
                switch byte {
                case UInt8(ascii: "="): padding += 1
                case UInt8(ascii: "\n"), UInt8(ascii: "\r"): continue
                default: return false
                }
            }
            return padding <= 2
        }
        return text.utf8.withContiguousStorageIfAvailable { check($0) } ?? check(text.utf8)
    }
}
