import Foundation

/// A request target of the local endpoint: the Gemini API's Live path for an API version the
/// service serves Live on, or the gateway's close explaining what to dial instead.
///
/// Served (with one or two leading slashes, as the SDKs dial them):
/// `/ws/google.ai.generativelanguage.{v1beta|v1alpha}.GenerativeService.BidiGenerateContent` and
/// `…v1alpha.GenerativeService.BidiGenerateContentConstrained` (the ephemeral-token method).
struct LocalLivePath: Sendable, Hashable {
    var apiVersion: String
    /// `BidiGenerateContent` or `BidiGenerateContentConstrained`.
    var method: String

    /// The path of `target` (`path?query`), or the close (code, reason) the gateway answers with.
    static func parse(_ target: String) -> Result<LocalLivePath, PathRefusal> {
        let path = String(target.prefix { $0 != "?" })
        var body = Substring(path)
        while body.hasPrefix("/") { body = body.dropFirst() }
        let geminiPrefix = "ws/google.ai.generativelanguage."
        guard body.hasPrefix(geminiPrefix) else {
            if body.hasPrefix("ws/google.cloud.aiplatform.") {
                return .failure(
                    PathRefusal(
                        reason:
                            "gateway: this endpoint serves the Gemini API's Live paths, not Vertex AI's; use the Gemini API mode of your SDK"))
            }
            return .failure(Self.unknown)
        }
        let parts = body.dropFirst(geminiPrefix.count).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts[1] == "GenerativeService" else { return .failure(Self.unknown) }
        let (version, method) = (parts[0], parts[2])
        guard LocalEndpointConfiguration.apiVersions.contains(version) else {
            return .failure(
                PathRefusal(
                    reason:
                        "gateway: the Gemini API serves Live on v1beta and v1alpha, not \(version.prefix(12)); set api_version to v1beta"))
        }
        switch method {
        case "BidiGenerateContent":
            return .success(LocalLivePath(apiVersion: version, method: method))
        case "BidiGenerateContentConstrained" where version == "v1alpha":
            return .success(LocalLivePath(apiVersion: version, method: method))
        case "BidiGenerateContentConstrained":
            return .failure(PathRefusal(reason: "gateway: BidiGenerateContentConstrained (ephemeral tokens) is served on v1alpha only"))
        default:
            return .failure(Self.unknown)
        }
    }

    private static let unknown = PathRefusal(
        reason: "gateway: no Live endpoint here; use /ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent")

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

/// A path the endpoint does not serve: the gateway closes with 1008 (as the service does for what
/// it does not serve) and this reason.
struct PathRefusal: Error, Sendable, Hashable {
    var code: UInt16 = 1008
    var reason: String
}
