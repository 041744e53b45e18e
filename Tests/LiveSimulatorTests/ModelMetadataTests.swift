import Foundation
import LiveProtocol
import LiveSimulator
import Testing

@Suite("Model metadata endpoint")
struct ModelMetadataTests {
    @Test("a Live model's metadata lists bidiGenerateContent")
    func liveModel() async throws {
        let simulator = Fixtures.simulator(SimulatorConfiguration(apiKey: Secret("k")))
        try await simulator.withRunning { address in
            let (body, response) = try await HTTPGet.get("\(address.httpBaseURL)/v1beta/models/gemini-3.8-live?key=k")
            #expect(response.statusCode == 200)
            let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            #expect(json["name"] as? String == "models/gemini-3.8-live")
            #expect((json["supportedGenerationMethods"] as? [String])?.contains("bidiGenerateContent") == true)
            #expect(json["inputTokenLimit"] as? Int == 131_072)
            #expect(json["displayName"] as? String == "Gemini 3.8 Live")
            let (listBody, list) = try await HTTPGet.get(
                "\(address.httpBaseURL)/v1alpha/models", headers: [("x-goog-api-key", "k")])
            #expect(list.statusCode == 200)
            let models = try #require(try JSONSerialization.jsonObject(with: listBody) as? [String: Any])["models"]
            #expect((models as? [Any])?.count ?? 0 >= 3)
        }
    }

    @Test("retired and unknown models are 404 NOT_FOUND, a wrong key 400, no key 403")
    func errors() async throws {
        let simulator = Fixtures.simulator(SimulatorConfiguration(apiKey: Secret("k")))
        try await simulator.withRunning { address in
            for model in ["gemini-2.0-flash-live-001", "no-such-model", "gemini-live-2.5-flash-native-audio"] {
                let (body, response) = try await HTTPGet.get("\(address.httpBaseURL)/v1beta/models/\(model)?key=k")
                #expect(response.statusCode == 404)
                let error = try #require(try JSONSerialization.jsonObject(with: body) as? [String: [String: Any]])["error"]
                #expect(error?["code"] as? Int == 404)
                #expect(error?["status"] as? String == "NOT_FOUND")
                #expect((error?["message"] as? String)?.hasPrefix("models/\(model) is not found for API version v1beta") == true)
            }
            let (wrongBody, wrong) = try await HTTPGet.get("\(address.httpBaseURL)/v1/models/gemini-3.8-live?key=x")
            #expect(wrong.statusCode == 400)
            #expect(String(decoding: wrongBody, as: UTF8.self).contains("API_KEY_INVALID"))
            let (_, missing) = try await HTTPGet.get("\(address.httpBaseURL)/v1/models/gemini-3.8-live")
            #expect(missing.statusCode == 403)
            let (_, unknown) = try await HTTPGet.get("\(address.httpBaseURL)/v1beta/tunedModels/x?key=k")
            #expect(unknown.statusCode == 404)
        }
    }
}
