import HTTPTypes
import LiveProtocol

/// How a client presented its credential (protocol reference §1.2).
public enum CredentialForm: String, Sendable, Hashable, CaseIterable {
    /// `x-goog-api-key: <key>` (python-genai).
    case apiKeyHeader = "x-goog-api-key"
    /// `?key=<key>` (js-genai).
    case keyQuery = "?key"
    /// `Authorization: Token auth_tokens/…` (python-genai, ephemeral tokens).
    case tokenAuthorization = "Authorization: Token"
    /// `Authorization: Bearer <token>` (Vertex AI OAuth).
    case bearerAuthorization = "Authorization: Bearer"
    /// `?access_token=auth_tokens/…` (js-genai, ephemeral tokens).
    case accessTokenQuery = "?access_token"
}

/// The credential of one request and whether the simulator accepts it.
///
/// With no configured key every request is accepted. With a key, a credential in any form must
/// equal it; on the `BidiGenerateContentConstrained` method an ephemeral token (`auth_tokens/…`)
/// is accepted too, since the simulator mints none it could compare with.
struct CredentialCheck: Sendable {
    /// The verdict on a request.
    enum Verdict: Sendable, Hashable {
        case accepted
        /// A credential that is not the key.
        case invalid
        /// No credential at all.
        case missing
    }

    /// The form the credential came in, if any.
    var form: CredentialForm?
    var verdict: Verdict

    /// Checks the credential of a request against `apiKey`.
    init(headers: HTTPFields, query: [String: String], apiKey: Secret?, allowsEphemeralTokens: Bool) {
        var presented: (CredentialForm, String)?
        if let authorization = headers[.authorization] {
            if authorization.hasPrefix("Token ") {
                presented = (.tokenAuthorization, String(authorization.dropFirst("Token ".count)))
            } else if authorization.hasPrefix("Bearer ") {
                presented = (.bearerAuthorization, String(authorization.dropFirst("Bearer ".count)))
            }
        }
        if presented == nil, let name = HTTPField.Name("x-goog-api-key"), let key = headers[name] {
            presented = (.apiKeyHeader, key)
        }
        if presented == nil, let key = query["key"] { presented = (.keyQuery, key) }
        if presented == nil, let token = query["access_token"] { presented = (.accessTokenQuery, token) }
        form = presented?.0
        guard let apiKey else {
            verdict = .accepted
            return
        }
        guard let value = presented?.1, !value.isEmpty else {
            verdict = .missing
            return
        }
        if value == apiKey.revealed || (allowsEphemeralTokens && value.hasPrefix("auth_tokens/")) {
            verdict = .accepted
        } else {
            verdict = .invalid
        }
    }
}
