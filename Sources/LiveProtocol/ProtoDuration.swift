import Foundation

/// A protobuf `Duration` as it travels in JSON: a decimal number of seconds followed by `s`
/// (`"50s"`, `"0.5s"`). Numbers are accepted on input too.
///
/// Decoding accepts only ``range`` (no negative durations, none beyond protobuf's 10,000 years), so a
/// received duration always converts to a Swift `Duration` and back to text.
public struct ProtoDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The length in seconds.
    public var seconds: Double

    /// The seconds a decoded duration may have: zero up to protobuf's maximum, 315,576,000,000.
    public static let range: ClosedRange<Double> = 0...315_576_000_000

    /// A duration of `seconds`.
    public init(seconds: Double) {
        self.seconds = seconds
    }

    /// Parses `"10s"`, `"0.5s"`, `"1.000340012s"`; nil for anything else or outside ``range``.
    public init?(text: String) {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        guard body.hasSuffix("s") else { return nil }
        body = body.dropLast()
        guard let value = Double(body), Self.range.contains(value) else { return nil }
        seconds = value
    }

    public init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if let number = try? single.decode(Double.self) {
            guard Self.range.contains(number) else {
                throw DecodingError.dataCorruptedError(
                    in: single, debugDescription: "expected a Duration of 0 to 315576000000 seconds, got \(number)")
            }
            seconds = number
            return
        }
        let text = try single.decode(String.self)
        guard let parsed = ProtoDuration(text: text) else {
            throw DecodingError.dataCorruptedError(
                in: single, debugDescription: "expected a Duration such as \"10s\" or \"0.5s\", got \"\(text)\"")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        try single.encode(description)
    }

    /// The canonical text form, e.g. `"50s"` or `"0.25s"`.
    public var description: String {
        guard seconds.isFinite else { return "\(seconds)s" }
        if seconds.rounded() == seconds, abs(seconds) < 1e15 { return "\(Int64(seconds))s" }
        var text = String(format: "%.9f", seconds)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "s"
    }
}
