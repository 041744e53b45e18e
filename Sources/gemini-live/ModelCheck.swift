import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The model part of `doctor`: `GET {base}/{version}/models/{model}` on the gateway's endpoint, with the key in
/// `x-goog-api-key` (the way the Gemini API's model metadata endpoint takes it).
enum ModelCheck {
    /// The HTTP base of a `Backend` property value: `simulator ws://127.0.0.1:1234` → `http://127.0.0.1:1234`.
    static func httpBase(backend: String) -> String? {
        guard let url = backend.split(separator: " ").last.map(String.init), let components = URLComponents(string: url),
              let scheme = components.scheme, let host = components.host else { return nil }
        let http: String
        switch scheme {
        case "ws", "http": http = "http"
        case "wss", "https": http = "https"
        default: return nil
        }
        let port = components.port.map { ":\($0)" } ?? ""
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(http)://\(bracketed)\(port)"
    }

    static func run(model: String, backend: String, apiVersion: String, key: String?) async -> DoctorCheck {
        guard !model.isEmpty else {
            return .failed("model", "no model to check", fix: "Pass --model, or set a default model for the gateway.")
        }
        guard let base = httpBase(backend: backend) else {
            return .warning("model", "not checked: cannot derive an HTTP URL from \"\(backend)\"", fix: "Check the endpoint.")
        }
        let bare = model.hasPrefix("models/") ? String(model.dropFirst("models/".count)) : model
        guard let url = URL(string: "\(base)/\(apiVersion)/models/\(bare)") else {
            return .failed("model", "\"\(model)\" is not a model id", fix: "Use an id such as gemini-3.8-live.")
        }
        var request = URLRequest(url: url, timeoutInterval: 10)
        if let key { request.setValue(key, forHTTPHeaderField: "x-goog-api-key") }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            return .failed(
                "model", "cannot reach \(base): \(error.localizedDescription)",
                fix: "Check the network, a proxy (https_proxy) or the endpoint in the configuration.")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let body = SafeJSON.object(from: data) as? [String: Any]
        switch status {
        case 200:
            let methods = body?["supportedGenerationMethods"] as? [String] ?? []
            guard methods.contains("bidiGenerateContent") else {
                return .failed(
                    "model", "\(bare) exists but does not support the Live API (bidiGenerateContent)",
                    fix: "Use a Live model, e.g. gemini-3.8-live; list them with GET \(base)/\(apiVersion)/models.")
            }
            let name = body?["displayName"] as? String
            return .ok("model", "\(bare) supports the Live API" + (name.map { " (\($0))" } ?? ""))
        default:
            let error = body?["error"] as? [String: Any]
            let message = error?["message"] as? String ?? String(decoding: data.prefix(200), as: UTF8.self)
            let fix = switch status {
            case 400, 401, 403: "The key was refused: create a new one at https://aistudio.google.com/apikey and store it in the key file (mode 0600)."
            case 404: "The model does not exist (or is retired): use a current Live model, e.g. gemini-3.8-live (docs/troubleshooting.md)."
            default: "Retry later; see docs/troubleshooting.md."
            }
            return .failed("model", "HTTP \(status) for \(bare): \(message)", fix: fix)
        }
    }
}
