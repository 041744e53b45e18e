import Foundation

/// A request target the simulator answers (protocol reference §1.1), parsed from `path?query`.
///
/// Live paths are accepted with one or two leading slashes, as the SDKs dial them:
/// `/ws/google.ai.generativelanguage.{v1beta,v1alpha}.GenerativeService.BidiGenerateContent` (not
/// v1: "The Gemini API only serves the Live WebSocket on v1beta", google-genai 3.6.1
/// `tests/live_api/conftest.py`; a v1 Live path is answered 404 like any unknown path),
/// `…v1alpha.GenerativeService.BidiGenerateContentConstrained` (ephemeral tokens; v1alpha only) and
/// `/ws/google.cloud.aiplatform.{v1,v1beta1}.LlmBidiService/BidiGenerateContent`. The model
/// metadata endpoint is `/{v1,v1beta,v1alpha}/models/{model}`, and `/{version}/models` lists them.
enum ServedPath: Sendable, Hashable {
    case live(LivePath)
    case model(apiVersion: String, modelID: String)
    case modelList(apiVersion: String)

    /// REST versions of the model metadata endpoint.
    static let geminiVersions: Set<String> = ["v1", "v1beta", "v1alpha"]
    /// Versions the Gemini API serves Live on.
    static let geminiLiveVersions: Set<String> = ["v1beta", "v1alpha"]
    static let vertexVersions: Set<String> = ["v1", "v1beta1"]

    /// The served path for `target`, or nil (answered with 404).
    init?(target: String) {
        let path = String(target.prefix { $0 != "?" })
        var trimmed = Substring(path)
        if trimmed.hasPrefix("//") { trimmed = trimmed.dropFirst(2) } else if trimmed.hasPrefix("/") {
            trimmed = trimmed.dropFirst()
        } else {
            return nil
        }
        let body = String(trimmed)
        if let live = LivePath(body) {
            self = .live(live)
            return
        }
        let segments = body.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard segments.count >= 2, Self.geminiVersions.contains(segments[0]), segments[1] == "models" else {
            return nil
        }
        switch segments.count {
        case 2:
            self = .modelList(apiVersion: segments[0])
        case 3 where !segments[2].isEmpty:
            self = .model(apiVersion: segments[0], modelID: segments[2].removingPercentEncoding ?? segments[2])
        default:
            return nil
        }
    }

    /// The query parameters of `target`, percent-decoded.
    static func queryItems(of target: String) -> [String: String] {
        guard let mark = target.firstIndex(of: "?") else { return [:] }
        var items: [String: String] = [:]
        for pair in target[target.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts[0].removingPercentEncoding ?? parts[0]
            let value = parts.count > 1 ? parts[1].replacingOccurrences(of: "+", with: " ") : ""
            items[name] = value.removingPercentEncoding ?? value
        }
        return items
    }
}

/// A Live WebSocket path: which backend, API version and method.
struct LivePath: Sendable, Hashable {
    /// The API family a path belongs to.
    enum Backend: Sendable, Hashable {
        case geminiAPI
        case vertexAI
    }

    var backend: Backend
    var apiVersion: String
    /// `BidiGenerateContent` or `BidiGenerateContentConstrained`.
    var method: String

    /// True for the ephemeral-token method.
    var isConstrained: Bool { method == "BidiGenerateContentConstrained" }

    /// Parses a path without its leading slashes.
    init?(_ body: String) {
        let geminiPrefix = "ws/google.ai.generativelanguage."
        let vertexPrefix = "ws/google.cloud.aiplatform."
        if body.hasPrefix(geminiPrefix) {
            let rest = body.dropFirst(geminiPrefix.count)
            let parts = rest.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, ServedPath.geminiLiveVersions.contains(parts[0]), parts[1] == "GenerativeService"
            else { return nil }
            switch parts[2] {
            case "BidiGenerateContent": break
            case "BidiGenerateContentConstrained" where parts[0] == "v1alpha": break
            default: return nil
            }
            self.init(backend: .geminiAPI, apiVersion: parts[0], method: parts[2])
        } else if body.hasPrefix(vertexPrefix) {
            let rest = String(body.dropFirst(vertexPrefix.count))
            let suffix = ".LlmBidiService/BidiGenerateContent"
            guard rest.hasSuffix(suffix) else { return nil }
            let version = String(rest.dropLast(suffix.count))
            guard ServedPath.vertexVersions.contains(version) else { return nil }
            self.init(backend: .vertexAI, apiVersion: version, method: "BidiGenerateContent")
        } else {
            return nil
        }
    }

    init(backend: Backend, apiVersion: String, method: String) {
        self.backend = backend
        self.apiVersion = apiVersion
        self.method = method
    }
}
