import DBusService
import Foundation
import LiveClient
import LiveProtocol

/// What `CheckService` found out about the endpoint sessions use: whether it is reachable, whether it
/// accepts the configured key, and whether it knows and serves a model. Each finding has a detail and,
/// when it is not good, a fix. The key itself never appears in it.
struct ServiceCheck: Sendable {
    /// One finding: whether it holds, what was seen, and what to do when it does not hold.
    struct Finding: Sendable {
        var holds: Bool
        var detail: String
        var fix: String?

        static func good(_ detail: String) -> Finding { Finding(holds: true, detail: detail, fix: nil) }
        static func bad(_ detail: String, fix: String) -> Finding { Finding(holds: false, detail: detail, fix: fix) }
    }

    /// The findings' names, in the order they are checked, as `CheckService` returns them.
    static let findingNames = ["reachable", "key_accepted", "model_known", "model_served"]

    var backend: String
    var model: String
    /// The metadata URL asked (no credential), empty when none was asked.
    var url: String
    var reachable: Finding
    var keyAccepted: Finding
    var modelKnown: Finding
    var modelServed: Finding

    /// The reply of `CheckService`: `backend`, `model`, `url`, `ok`, and for each finding `NAME` (b),
    /// `NAME_detail` (s) and, when it does not hold, `NAME_fix` (s).
    var dictionary: [String: DBusValue] {
        var reply: [String: DBusValue] = [
            "backend": .string(backend), "model": .string(model), "url": .string(url),
            "ok": .boolean(findings.allSatisfy { $0.1.holds }),
        ]
        for (name, finding) in findings {
            reply[name] = .boolean(finding.holds)
            reply["\(name)_detail"] = .string(finding.detail)
            if let fix = finding.fix { reply["\(name)_fix"] = .string(fix) }
        }
        return reply
    }

    private var findings: [(String, Finding)] {
        [("reachable", reachable), ("key_accepted", keyAccepted), ("model_known", modelKnown), ("model_served", modelServed)]
    }

    /// Runs the check of `model` against `client`'s endpoint (nil: no credential and no endpoint).
    static func run(
        model requested: String, client: LiveClientConfiguration?, backend: String, notConfigured: String
    ) async -> ServiceCheck {
        let model = Setup(model: requested).modelID
        let known = knownFinding(model)
        guard let client else {
            let fix = notConfigured
            return ServiceCheck(
                backend: backend, model: model, url: "",
                reachable: .bad("not checked: the gateway has no endpoint configured", fix: fix),
                keyAccepted: .bad("no API key is configured", fix: fix), modelKnown: known,
                modelServed: .bad("not checked: the gateway has no endpoint configured", fix: fix))
        }
        let keyConfigured = client.endpoint.credential != .none
        guard let url = LiveClient.modelMetadataURL(model: model, endpoint: client.endpoint) else {
            let detail = "not checked: \(client.endpoint.baseURL) has no model metadata resource (only the Gemini API and its simulator have one)"
            let fix = "Start a session to test this endpoint; its Closed signal explains a refusal."
            return ServiceCheck(
                backend: backend, model: model, url: "", reachable: .bad(detail, fix: fix),
                keyAccepted: .bad(detail, fix: fix), modelKnown: known, modelServed: .bad(detail, fix: fix))
        }
        let response: ModelMetadataResponse
        do {
            response = try await LiveClient.modelMetadata(model: model, configuration: client)
        } catch {
            let detail = "not checked: the endpoint was not reached"
            let fix = "Fix the reachability first."
            return ServiceCheck(
                backend: backend, model: model, url: url,
                reachable: .bad(
                    "\(url): \(error)",
                    fix: "Check the network, a proxy, the endpoint ([endpoint] url or --endpoint) and, for a private CA, --ca-file."),
                keyAccepted: .bad(detail, fix: fix), modelKnown: known, modelServed: .bad(detail, fix: fix))
        }
        return interpret(response, model: model, backend: backend, keyConfigured: keyConfigured, known: known)
    }

    /// What the library's model table says of `model`.
    static func knownFinding(_ model: String) -> Finding {
        guard let entry = LiveModel.named(model) else {
            return .bad(
                "\(model) is not a Live model this gateway knows",
                fix: "Use a current Live model, e.g. \(LiveModel.defaultID) (docs/troubleshooting.md).")
        }
        switch entry.status {
        case .current:
            return .good("\(model) is a current Live model")
        case .legacy(let replacement):
            return .good("\(model) is a legacy Live model; \(replacement) replaces it")
        case .retired(let replacement, let since):
            return .bad("\(model) was retired on \(since)", fix: "Use \(replacement) instead.")
        }
    }

    /// The body of a `models.get` answer, or of a Google error.
    private struct Body: Decodable {
        struct Failure: Decodable {
            var code: Int?
            var message: String?
            var status: String?
        }

        var displayName: String?
        var supportedGenerationMethods: [String]?
        var error: Failure?
    }

    static func interpret(
        _ response: ModelMetadataResponse, model: String, backend: String, keyConfigured: Bool, known: Finding
    ) -> ServiceCheck {
        let body = try? LiveJSON.decode(Body.self, from: Data(response.body), decoder: JSONDecoder())
        let message = body?.error?.message ?? String(decoding: response.body.prefix(200), as: UTF8.self)
        let reachable = Finding.good("\(response.url) answered HTTP \(response.status)")
        let keyFix = "Create a new key at https://aistudio.google.com/apikey, store it in the key file (mode 0600) or GEMINI_API_KEY, and restart the gateway."
        let notAsked = "not checked: the key was refused"
        let acceptedDetail = keyConfigured ? "the endpoint accepted the key" : "the endpoint needs no key"
        switch response.status {
        case 200:
            let methods = body?.supportedGenerationMethods ?? []
            let served: Finding = methods.contains("bidiGenerateContent")
                ? .good("\(model) supports the Live API" + (body?.displayName.map { " (\($0))" } ?? ""))
                : .bad(
                    "\(model) exists but does not support the Live API (bidiGenerateContent)",
                    fix: "Use a Live model, e.g. \(LiveModel.defaultID).")
            return ServiceCheck(
                backend: backend, model: model, url: response.url, reachable: reachable,
                keyAccepted: .good(acceptedDetail), modelKnown: known, modelServed: served)
        case 400, 401, 403:
            let detail = keyConfigured
                ? "HTTP \(response.status): the key was refused: \(message)"
                : "HTTP \(response.status): the endpoint needs a key and none is configured: \(message)"
            return ServiceCheck(
                backend: backend, model: model, url: response.url, reachable: reachable,
                keyAccepted: .bad(detail, fix: keyFix), modelKnown: known,
                modelServed: .bad(notAsked, fix: "Fix the key first."))
        case 404:
            return ServiceCheck(
                backend: backend, model: model, url: response.url, reachable: reachable,
                keyAccepted: .good(acceptedDetail), modelKnown: known,
                modelServed: .bad(
                    "HTTP 404 for \(model): \(message)",
                    fix: "The model does not exist (or is retired): use a current Live model, e.g. \(LiveModel.defaultID) (docs/troubleshooting.md)."))
        default:
            let detail = "HTTP \(response.status) for \(model): \(message)"
            return ServiceCheck(
                backend: backend, model: model, url: response.url, reachable: reachable,
                keyAccepted: .bad("not known: \(detail)", fix: "Retry later; see docs/troubleshooting.md."), modelKnown: known,
                modelServed: .bad(detail, fix: "Retry later; see docs/troubleshooting.md."))
        }
    }
}
