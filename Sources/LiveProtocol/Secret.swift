import Foundation

/// A credential (API key, ephemeral token, OAuth bearer) that never prints itself.
///
/// `description`, `debugDescription`, string interpolation and `dump()` (through a redacted
/// ``customMirror``) all hide it; only ``revealed`` returns the value, for the one place that
/// builds the request header.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    /// Wraps `value`.
    public init(_ value: String) {
        self.value = value
    }

    /// The secret itself. Use only to put it on the wire.
    public var revealed: String { value }

    /// True when the secret is an empty string.
    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "Secret(<redacted>)" }

    /// A mirror without the value, so `dump()` and reflection-based printers cannot show it.
    public var customMirror: Mirror { Mirror(self, children: ["value": "<redacted>"]) }
}

/// How a connection authenticates (protocol reference §1.2).
public enum Credential: Sendable, Hashable {
    /// An API key, sent in the `x-goog-api-key` header (never in the URL).
    case apiKey(Secret)
    /// An ephemeral token `auth_tokens/…`: `Authorization: Token …`, on v1alpha's Constrained method.
    case ephemeralToken(Secret)
    /// A Vertex AI OAuth access token: `Authorization: Bearer …`.
    case bearer(Secret)
    /// No credential (a proxy or simulator that needs none).
    case none
}
