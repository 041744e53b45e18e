/// The WebSocket close a local Live endpoint sends instead of forwarding a setup that preflight
/// refused: the close code the service would have answered with (1008 for a model it does not
/// serve, 1007 for a frame or value it rejects) and a reason, within the 123 bytes a close frame
/// carries, that names the fix. The whole explanation goes to the log and the session's
/// `LastError`; the reason is what an SDK shows (python-genai: `APIError` with this code).
public struct PreflightClose: Sendable, Hashable, CustomStringConvertible {
    /// The RFC 6455 limit for a close reason: 125 bytes of control payload minus the 2-byte code.
    public static let maximumReasonBytes = 123

    /// The close code, e.g. 1007.
    public var code: UInt16
    /// At most ``maximumReasonBytes`` UTF-8 bytes.
    public var reason: String
    /// The rule that refused the setup, e.g. `retired-model`.
    public var rule: String

    /// The close for the first blocking issue of `report`; nil when nothing blocks.
    public init?(_ report: PreflightReport) {
        guard let issue = report.errors.first else { return nil }
        self.init(refusing: issue)
    }

    /// The close for `issue`: its fix, prefixed with the field it concerns.
    public init(refusing issue: PreflightIssue) {
        rule = issue.rule
        code = Self.serviceCode(forRule: issue.rule)
        reason = Self.truncated("\(issue.field): \(issue.fix)")
    }

    /// `1008 "setup.model: Use gemini-3.8-live." (retired-model)`.
    public var description: String { "\(code) \"\(reason)\" (\(rule))" }

    /// The code the service closes with for a setup that breaks `rule`: 1008 when it does not
    /// serve the model there (protocol reference §4.2, "not found"), 1011 where it is known to
    /// fail internally, 1007 for everything it rejects as an invalid argument.
    public static func serviceCode(forRule rule: String) -> UInt16 {
        switch rule {
        case "retired-model", "vertex-only-model", "gemini-only-model", "vertex-region", "ephemeral-token-version":
            1008
        default:
            1007
        }
    }

    /// `text` cut to at most `maximumBytes` UTF-8 bytes without splitting a character; a cut
    /// text ends in "…".
    public static func truncated(_ text: String, maximumBytes: Int = maximumReasonBytes) -> String {
        guard text.utf8.count > maximumBytes else { return text }
        let ellipsis = "…"
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > maximumBytes - ellipsis.utf8.count { break }
            result.append(character)
            used += size
        }
        return result + ellipsis
    }
}
