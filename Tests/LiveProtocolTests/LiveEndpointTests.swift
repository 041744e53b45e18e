import Foundation
import Testing

@testable import LiveProtocol

/// URLs, headers and model paths for every endpoint form, and secrets that never print.
@Suite struct LiveEndpointTests {
    static let key = "AIzaSyTEST-KEY-1234567890"

    @Test func geminiAPIDefaultsToV1beta() {
        let endpoint = LiveEndpoint(credential: .apiKey(Secret(Self.key)))
        #expect(endpoint.apiVersion == "v1beta")
        #expect(endpoint.method == "BidiGenerateContent")
        #expect(endpoint.isGeminiAPI)
        #expect(
            endpoint.url
                == "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent")
    }

    @Test(arguments: ["v1alpha", "v1", "v1beta"])
    func geminiAPIVersions(version: String) {
        let endpoint = LiveEndpoint(apiVersion: version, credential: .apiKey(Secret(Self.key)))
        #expect(
            endpoint.url
                == "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.\(version).GenerativeService.BidiGenerateContent")
    }

    @Test func ephemeralTokenUsesConstrainedMethodOnV1alpha() {
        let token = "auth_tokens/abc123"
        let endpoint = LiveEndpoint(credential: .ephemeralToken(Secret(token)))
        #expect(endpoint.apiVersion == "v1alpha")
        #expect(endpoint.method == "BidiGenerateContentConstrained")
        #expect(
            endpoint.url
                == "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained")
        #expect(endpoint.headers.map(\.name) == ["Authorization", "x-goog-api-key"])
        #expect(endpoint.headers.map(\.value) == ["Token \(token)", token])
        #expect(!endpoint.url.contains(token))
    }

    @Test(arguments: [
        ("us-central1", "wss://us-central1-aiplatform.googleapis.com"),
        ("europe-west4", "wss://europe-west4-aiplatform.googleapis.com"),
        ("global", "wss://aiplatform.googleapis.com"),
        ("us", "wss://aiplatform.us.rep.googleapis.com"),
        ("eu", "wss://aiplatform.eu.rep.googleapis.com"),
    ])
    func vertexHosts(location: String, host: String) {
        let endpoint = LiveEndpoint(service: .vertexAI(project: "my-proj", location: location), credential: .bearer(Secret("ya29.token")))
        #expect(LiveEndpoint.vertexBaseURL(location: location) == host)
        #expect(endpoint.apiVersion == "v1beta1")
        #expect(endpoint.url == "\(host)/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent")
        #expect(endpoint.modelPath(for: "m") == "projects/my-proj/locations/\(location)/publishers/google/models/m")
        #expect(!endpoint.isGeminiAPI)
    }

    @Test func vertexV1() {
        let endpoint = LiveEndpoint(service: .vertexAI(project: "p", location: "us-east5"), apiVersion: "v1", credential: .bearer(Secret("t")))
        #expect(endpoint.url == "wss://us-east5-aiplatform.googleapis.com/ws/google.cloud.aiplatform.v1.LlmBidiService/BidiGenerateContent")
    }

    @Test func vertexExpressKey() {
        let endpoint = LiveEndpoint(service: .vertexAI(project: "p", location: "global"), credential: .apiKey(Secret(Self.key)))
        #expect(endpoint.url == "wss://aiplatform.googleapis.com/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent")
        #expect(endpoint.headers.map(\.name) == ["x-goog-api-key"])
    }

    @Test func verbatimURLIsUsedAsIs() {
        let endpoint = LiveEndpoint(service: .verbatim, baseURL: "wss://localhost:8765/custom/path", credential: .bearer(Secret("gateway-token")))
        #expect(endpoint.url == "wss://localhost:8765/custom/path")
        #expect(endpoint.modelPath(for: "gemini-3.8-live") == "publishers/google/models/gemini-3.8-live")
        #expect(endpoint.headers.map(\.name) == ["Authorization"])
        #expect(endpoint.headers.first?.value == "Bearer gateway-token")
    }

    @Test func customBaseURLForASimulator() {
        let endpoint = LiveEndpoint(baseURL: "ws://127.0.0.1:9999/", credential: .none)
        #expect(endpoint.url == "ws://127.0.0.1:9999/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent")
        #expect(endpoint.headers.isEmpty)
    }

    @Test func apiKeyTravelsInAHeaderOnly() {
        let endpoint = LiveEndpoint(credential: .apiKey(Secret(Self.key)))
        #expect(endpoint.headers.map(\.name) == ["x-goog-api-key"])
        #expect(endpoint.headers.map(\.value) == [Self.key])
        #expect(!endpoint.url.contains(Self.key))
        #expect(!endpoint.url.contains("key="))
    }

    @Test func modelPaths() {
        let gemini = LiveEndpoint(credential: .none)
        #expect(gemini.modelPath(for: "gemini-3.8-live") == "models/gemini-3.8-live")
        #expect(gemini.modelPath(for: "models/gemini-3.8-live") == "models/gemini-3.8-live")
    }

    // MARK: Secret

    @Test func secretNeverPrintsItsValue() {
        let secret = Secret(Self.key)
        #expect(secret.revealed == Self.key)
        #expect(!secret.description.contains(Self.key))
        #expect(!secret.debugDescription.contains(Self.key))
        #expect(!"\(secret)".contains(Self.key))
        #expect(!String(describing: secret).contains(Self.key))
        #expect(!String(reflecting: secret).contains(Self.key))
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains(Self.key), "dump: \(dumped)")
        #expect(!dumped.isEmpty)
    }

    @Test(arguments: [Credential.apiKey(Secret(LiveEndpointTests.key)), .ephemeralToken(Secret(LiveEndpointTests.key)), .bearer(Secret(LiveEndpointTests.key))])
    func containersOfSecretsDoNotPrintThem(credential: Credential) {
        let endpoint = LiveEndpoint(credential: credential)
        for text in ["\(credential)", "\(endpoint)", String(reflecting: endpoint), String(describing: [credential])] {
            #expect(!text.contains(Self.key), "\(text)")
        }
        var dumped = ""
        dump(endpoint, to: &dumped)
        #expect(!dumped.contains(Self.key), "dump: \(dumped)")
    }

    @Test func secretsCompareByValue() {
        #expect(Secret("a") == Secret("a"))
        #expect(Secret("a") != Secret("b"))
        #expect(Secret("").isEmpty)
    }
}
