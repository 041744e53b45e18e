import Foundation
import LiveClient
import LiveProtocol
import LiveSimulator
import Testing

@Suite("LiveClient.modelMetadata asks the endpoint's models.get over TLS, the key in a header")
struct ModelMetadataTests {
    @Test("a served model with the right key: 200 and the simulator's metadata; the URL carries no key")
    func served() async throws {
        try await ClientFixtures.simulator(apiKey: "metadata-key").withRunning { address in
            let configuration = ClientFixtures.client(address, key: "metadata-key")
            let response = try await LiveClient.modelMetadata(model: "models/gemini-3.8-live", configuration: configuration)
            #expect(response.status == 200)
            #expect(response.url.hasPrefix("https://localhost:"))
            #expect(response.url.hasSuffix("/v1beta/models/gemini-3.8-live"))
            #expect(!response.url.contains("metadata-key"))
            let text = String(decoding: response.body, as: UTF8.self)
            #expect(text.contains("\"bidiGenerateContent\""), "\(text)")
        }
    }

    @Test("a wrong key is 400 API_KEY_INVALID, an unknown model 404")
    func refused() async throws {
        try await ClientFixtures.simulator(apiKey: "metadata-key").withRunning { address in
            let wrong = try await LiveClient.modelMetadata(
                model: "gemini-3.8-live", configuration: ClientFixtures.client(address, key: "not-the-key"))
            #expect(wrong.status == 400)
            #expect(String(decoding: wrong.body, as: UTF8.self).contains("API_KEY_INVALID"))
            let unknown = try await LiveClient.modelMetadata(
                model: "gemini-0.1-nonexistent", configuration: ClientFixtures.client(address, key: "metadata-key"))
            #expect(unknown.status == 404)
        }
    }

    @Test("nothing listening is connectFailed; Vertex AI has no metadata URL")
    func unreachable() async throws {
        let port = try await ClientFixtures.simulator().withRunning { $0.port }   // free again once stopped
        let endpoint = LiveEndpoint(baseURL: "wss://localhost:\(port)", credential: .apiKey(Secret("k")))
        await #expect {
            _ = try await LiveClient.modelMetadata(
                model: "gemini-3.8-live", configuration: LiveClientConfiguration(endpoint: endpoint), timeout: .seconds(5))
        } throws: { error in
            guard case LiveClientError.connectFailed = error else { return false }
            return true
        }
        let vertex = LiveEndpoint(service: .vertexAI(project: "p", location: "us-central1"), credential: .none)
        #expect(LiveClient.modelMetadataURL(model: "gemini-3.8-live", endpoint: vertex) == nil)
        let simulator = LiveEndpoint(baseURL: "ws://127.0.0.1:4000", apiVersion: "v1alpha", credential: .none)
        #expect(LiveClient.modelMetadataURL(model: "gemini-3.8-live", endpoint: simulator) == "http://127.0.0.1:4000/v1alpha/models/gemini-3.8-live")
        #expect(LiveClient.modelMetadataURL(model: "../../etc", endpoint: simulator) == nil)
    }
}
