import Foundation

/// Where a Live connection goes and how it authenticates: the URL, the headers and the model path
/// (protocol reference §1).
public struct LiveEndpoint: Sendable, Hashable {
    /// Which API family the endpoint speaks.
    public enum Service: Sendable, Hashable {
        /// The Gemini API (`generativelanguage.googleapis.com`).
        case geminiAPI
        /// Vertex AI in a project and location (`global`, `us`, `eu` or a region).
        case vertexAI(project: String, location: String)
        /// A Live-compatible URL used verbatim (a gateway or proxy in Vertex style; the model is
        /// `publishers/google/models/<id>`).
        case verbatim
    }

    /// The Gemini API's public host.
    public static let geminiBaseURL = "wss://generativelanguage.googleapis.com"

    public var service: Service
    /// Scheme, host and port, e.g. `wss://generativelanguage.googleapis.com` or a simulator's
    /// `ws://127.0.0.1:PORT`. For ``Service/verbatim`` the whole URL.
    public var baseURL: String
    /// `v1beta` (default) or `v1alpha` on the Gemini API (``geminiLiveVersions``); `v1beta1` or
    /// `v1` on Vertex AI. A custom ``baseURL`` may use any version.
    public var apiVersion: String
    public var credential: Credential

    /// An endpoint; `baseURL` defaults to the service's public host.
    public init(service: Service = .geminiAPI, baseURL: String? = nil, apiVersion: String? = nil, credential: Credential) {
        self.service = service
        self.credential = credential
        switch service {
        case .geminiAPI:
            self.baseURL = baseURL ?? Self.geminiBaseURL
            self.apiVersion = apiVersion ?? (Self.isEphemeral(credential) ? "v1alpha" : "v1beta")
        case .vertexAI(_, let location):
            self.baseURL = baseURL ?? Self.vertexBaseURL(location: location)
            self.apiVersion = apiVersion ?? "v1beta1"
        case .verbatim:
            self.baseURL = baseURL ?? ""
            self.apiVersion = apiVersion ?? "v1beta1"
        }
    }

    /// The Vertex AI host for a location: `global` → `aiplatform.googleapis.com`, `us`/`eu` →
    /// `aiplatform.<loc>.rep.googleapis.com`, a region → `<region>-aiplatform.googleapis.com`.
    public static func vertexBaseURL(location: String) -> String {
        switch location {
        case "global": "wss://aiplatform.googleapis.com"
        case "us", "eu": "wss://aiplatform.\(location).rep.googleapis.com"
        default: "wss://\(location)-aiplatform.googleapis.com"
        }
    }

    /// `BidiGenerateContent`, or `BidiGenerateContentConstrained` for an ephemeral token.
    public var method: String {
        Self.isEphemeral(credential) ? "BidiGenerateContentConstrained" : "BidiGenerateContent"
    }

    /// The WebSocket URL. Credentials are never part of it.
    public var url: String {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        switch service {
        case .geminiAPI:
            return "\(base)/ws/google.ai.generativelanguage.\(apiVersion).GenerativeService.\(method)"
        case .vertexAI:
            return "\(base)/ws/google.cloud.aiplatform.\(apiVersion).LlmBidiService/BidiGenerateContent"
        case .verbatim:
            return baseURL
        }
    }

    /// The request headers, credentials included. Never log these.
    public var headers: [(name: String, value: String)] {
        switch credential {
        case .apiKey(let key): [("x-goog-api-key", key.revealed)]
        case .ephemeralToken(let token):
            [("Authorization", "Token \(token.revealed)"), ("x-goog-api-key", token.revealed)]
        case .bearer(let token): [("Authorization", "Bearer \(token.revealed)")]
        case .none: []
        }
    }

    /// The model name as `setup.model` carries it for this endpoint.
    public func modelPath(for id: String) -> String {
        let bare = Setup(model: id).modelID
        if id.hasPrefix("projects/") || id.hasPrefix("publishers/") { return id }
        switch service {
        case .geminiAPI: return "models/\(bare)"
        case .vertexAI(let project, let location):
            return "projects/\(project)/locations/\(location)/publishers/google/models/\(bare)"
        case .verbatim: return "publishers/google/models/\(bare)"
        }
    }

    /// The versions the Gemini API serves the Live WebSocket on. Not `v1`: google-genai 3.6.1's
    /// Live tests say "The Gemini API only serves the Live WebSocket on v1beta" and pin it
    /// (`tests/live_api/conftest.py`), while `v1alpha` is still served for ephemeral tokens and
    /// preview features (mastra-ai/mastra#18287 connected to it; `live.py` sends tokens there).
    public static let geminiLiveVersions: Set<String> = ["v1beta", "v1alpha"]

    /// True when the endpoint dials Google's own Gemini API host (not a simulator or proxy).
    public var usesGeminiHost: Bool {
        guard isGeminiAPI else { return false }
        let base = baseURL.lowercased()
        return base.hasPrefix("wss://generativelanguage.googleapis.com") || base.hasPrefix("https://generativelanguage.googleapis.com")
    }

    /// Why this endpoint's API version cannot serve Live, with the fix; nil when it can. Only the
    /// Gemini API host is checked: a custom endpoint may use any version.
    public var apiVersionProblem: String? {
        guard usesGeminiHost, !Self.geminiLiveVersions.contains(apiVersion) else { return nil }
        return "The Gemini API serves the Live WebSocket on v1beta (and v1alpha for ephemeral tokens and preview features), not on \(apiVersion). Use api_version = \"v1beta\" (or v1alpha)."
    }

    /// True for the Gemini API (as opposed to Vertex AI).
    public var isGeminiAPI: Bool {
        if case .geminiAPI = service { return true }
        return false
    }

    static func isEphemeral(_ credential: Credential) -> Bool {
        if case .ephemeralToken = credential { return true }
        return false
    }
}
