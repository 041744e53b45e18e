import HTTPTypes
import LiveProtocol

/// The credential a client of the endpoint's TCP listener presented, in any of the service's
/// forms (protocol reference §1.2), and whether it is the user's local token.
///
/// A refused client is closed the way the service refuses a key: a wrong one with 1007 "API key
/// not valid. Please pass a valid API key.", a missing one with 1008 "Method doesn't allow
/// unregistered callers …".
struct EndpointCredential: Sendable, Hashable {
    enum Verdict: Sendable, Hashable {
        case accepted
        case invalid
        case missing
    }

    /// The service's form the credential came in (for the log; never the value).
    var form: String?
    var verdict: Verdict

    /// Checks the request's credential against `token`.
    init(headers: HTTPFields, query: [String: String], token: Secret) {
        var presented: (String, String)?
        if let authorization = headers[.authorization] {
            if authorization.hasPrefix("Token ") {
                presented = ("Authorization: Token", String(authorization.dropFirst("Token ".count)))
            } else if authorization.hasPrefix("Bearer ") {
                presented = ("Authorization: Bearer", String(authorization.dropFirst("Bearer ".count)))
            }
        }
        if presented == nil, let name = HTTPField.Name("x-goog-api-key"), let key = headers[name] {
            presented = ("x-goog-api-key", key)
        }
        if presented == nil, let key = query["key"] { presented = ("?key", key) }
        if presented == nil, let token = query["access_token"] { presented = ("?access_token", token) }
        form = presented?.0
        guard let value = presented?.1, !value.isEmpty else {
            verdict = .missing
            return
        }
        verdict = LocalToken.matches(value, token) ? .accepted : .invalid
    }

    static let unregisteredCaller =
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."

    /// The close for a refused credential, in the service's words.
    var refusal: (code: UInt16, reason: String)? {
        switch verdict {
        case .accepted: nil
        case .invalid: (1007, "API key not valid. Please pass a valid API key.")
        case .missing:
            // Cut at 123 bytes like the service's own reason (ASCII, so any cut is a character boundary).
            (1008, String(decoding: Array(Self.unregisteredCaller.utf8.prefix(PreflightClose.maximumReasonBytes)), as: UTF8.self))
        }
    }
}
