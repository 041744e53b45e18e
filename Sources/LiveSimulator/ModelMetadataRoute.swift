import Foundation
import Hummingbird
import LiveProtocol

/// `GET /{v1,v1beta,v1alpha}/models/{model}` and `GET /{version}/models`, answered like the
/// Gemini API's model metadata endpoints, with the same credential rules as the Live paths.
///
/// Served models are the Gemini API Live models of ``LiveModel/known`` that are current or
/// legacy; each lists `bidiGenerateContent` among its `supportedGenerationMethods`. Unknown,
/// retired and Vertex-only ids get 404 `NOT_FOUND`. A wrong key gets 400 `INVALID_ARGUMENT`
/// (`API_KEY_INVALID`), a missing one 403 `PERMISSION_DENIED`.
enum ModelMetadataRoute {
    /// Adds the routes to `router`.
    static func register(on router: Router<BasicRequestContext>, apiKey: Secret?) {
        router.get(":version/models/:model") { request, _ in respond(to: request, apiKey: apiKey) }
        router.get(":version/models") { request, _ in respond(to: request, apiKey: apiKey) }
    }

    static func respond(to request: Request, apiKey: Secret?) -> Response {
        let target = request.uri.description
        let credential = CredentialCheck(
            headers: request.headers, query: ServedPath.queryItems(of: target), apiKey: apiKey,
            allowsEphemeralTokens: false)
        switch credential.verdict {
        case .accepted: break
        case .invalid:
            return json(
                GoogleError.json(
                    code: 400, message: CloseReason.invalidAPIKey.text, status: "INVALID_ARGUMENT",
                    reason: "API_KEY_INVALID"),
                status: .badRequest)
        case .missing:
            return json(
                GoogleError.json(
                    code: 403,
                    message:
                        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
                    status: "PERMISSION_DENIED"),
                status: .forbidden)
        }
        switch ServedPath(target: target) {
        case .model(let version, let id)?:
            let bare = Setup(model: id).modelID
            guard let model = LiveModel.named(bare), SetupValidator.isServed(model, on: .geminiAPI) else {
                return json(
                    GoogleError.json(
                        code: 404,
                        message:
                            "models/\(bare) is not found for API version \(version), or is not supported for getModel. Call ListModels to see the list of available models and their supported methods.",
                        status: "NOT_FOUND"),
                    status: .notFound)
            }
            return json(encode(ModelMetadata(model)), status: .ok)
        case .modelList?:
            let models = LiveModel.known.filter { SetupValidator.isServed($0, on: .geminiAPI) }.map(ModelMetadata.init)
            return json(encode(["models": models]), status: .ok)
        default:
            return json(
                GoogleError.json(
                    code: 404, message: "The requested URL \(request.uri.path) was not found on this server.",
                    status: "NOT_FOUND"),
                status: .notFound)
        }
    }

    private static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        var data = ServiceJSONStyle.restyle((try? encoder.encode(value)) ?? Data("{}".utf8))
        data.append(UInt8(ascii: "\n"))
        return data
    }

    private static func json(_ body: Data, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=UTF-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// A model's metadata as the Gemini API's `models.get` returns it.
struct ModelMetadata: Encodable, Sendable {
    let name: String
    let version: String
    let displayName: String
    let description: String
    let inputTokenLimit: Int
    let outputTokenLimit: Int
    let supportedGenerationMethods: [String]
    let temperature: Double
    let topP: Double
    let topK: Int
    let maxTemperature: Double
    let thinking: Bool

    init(_ model: LiveModel) {
        name = "models/\(model.id)"
        let components = model.id.split(separator: "-")
        version = components.first { $0.first?.isNumber == true && $0.contains(".") }.map(String.init) ?? "001"
        displayName = components.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        description = "Live API model \(model.id): native audio in and out over BidiGenerateContent."
        let isThirdGeneration = model.id.hasPrefix("gemini-3")
        inputTokenLimit = 131_072
        outputTokenLimit = isThirdGeneration ? 65_536 : 8_192
        supportedGenerationMethods = ["bidiGenerateContent"]
        temperature = 1
        topP = 0.95
        topK = 64
        maxTemperature = 2
        thinking = model.thinking != .unsupported
    }
}
