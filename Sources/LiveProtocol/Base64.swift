import Foundation

/// Base64 as the Live service speaks it: standard alphabet out, standard *or* URL-safe alphabet in,
/// padding optional on input (python-genai sends URL-safe, padded; the service sends standard).
public enum Base64 {
    /// Standard base64 with padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes standard or URL-safe base64, with or without padding. Returns nil for anything else.
    public static func decode(_ text: String) -> Data? {
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
}
