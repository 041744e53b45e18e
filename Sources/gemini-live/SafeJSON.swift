import Foundation

/// `JSONSerialization` behind the guard the gateway's own decoder has: Foundation's parser traps,
/// instead of throwing, on input whose last byte opens a 513th nested array, and no valid JSON
/// ends with `[`. Input from a file (the tools option) goes through here.
enum SafeJSON {
    /// The parsed document, or nil when `data` is not JSON.
    static func object(from data: Data) -> Any? {
        guard data.last != UInt8(ascii: "[") else { return nil }
        return try? JSONSerialization.jsonObject(with: data)
    }
}
