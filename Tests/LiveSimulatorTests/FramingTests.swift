import Foundation
import HTTPTypes
import LiveProtocol
import LiveSimulator
import Testing

@Suite("Paths, credentials and framing")
struct FramingTests {
    @Test("setupComplete is pretty-printed camelCase JSON in a binary frame ending in a newline")
    func setupCompleteFraming() async throws {
        let simulator = Fixtures.simulator()
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup()
                try await probe.wait { $0.first?.setupComplete != nil }
            }
        }
        let first = try #require(result.frames.first)
        #expect(first.isBinary)
        let text = try #require(String(data: first.bytes, encoding: .utf8))
        #expect(text == "{\n  \"setupComplete\": {}\n}\n")
        #expect(result.closeCode == 1000)
    }

    @Test(
        "every Live path form is served",
        arguments: [
            "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent",
            "//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent",
            "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent",
            "//ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained",
        ])
    func geminiPaths(path: String) async throws {
        let simulator = Fixtures.simulator()
        let result = try await simulator.withRunning { address in
            try await Probe.run("\(address.baseURL)\(path)") { probe in
                try await probe.sendSetup()
                try await probe.wait { $0.contains { $0.setupComplete != nil } }
            }
        }
        #expect(result.messages.first?.setupComplete != nil)
        #expect(simulator.recorder.connection(1)?.path == path)
    }

    @Test("the Vertex AI path takes a publisher model path")
    func vertexPath() async throws {
        let simulator = Fixtures.simulator()
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.vertexURL()) { probe in
                try await probe.sendSetup(
                    model: "projects/p/locations/us-central1/publishers/google/models/gemini-live-2.5-flash-native-audio")
                try await probe.wait { $0.contains { $0.setupComplete != nil } }
            }
        }
        #expect(result.messages.first?.setupComplete != nil)
    }

    @Test(
        "unknown paths and the Constrained method off v1alpha are not upgraded",
        arguments: [
            "/ws/google.ai.generativelanguage.v2.GenerativeService.BidiGenerateContent",
            // The Gemini API serves Live on v1beta and v1alpha, not v1 (google-genai 3.6.1 tests).
            "/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent",
            "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContentConstrained",
            "/ws/BidiGenerateContent",
        ])
    func unknownPaths(path: String) async throws {
        let simulator = Fixtures.simulator()
        try await simulator.withRunning { address in
            await #expect(throws: (any Error).self) {
                try await Probe.run("\(address.baseURL)\(path)")
            }
            let (_, response) = try await HTTPGet.get("\(address.httpBaseURL)\(path)", upgrade: true)
            #expect(response.statusCode == 404)
        }
    }

    @Test("each credential form is accepted when it carries the key")
    func credentialForms() async throws {
        let configuration = SimulatorConfiguration(apiKey: Secret("sim-key"), pacing: .immediate)
        let simulator = Fixtures.simulator(configuration)
        try await simulator.withRunning { address in
            let v1beta = address.liveURL()
            let cases: [(String, HTTPFields, CredentialForm)] = [
                (v1beta, [HTTPField.Name("x-goog-api-key")!: "sim-key"], .apiKeyHeader),
                (v1beta + "?key=sim-key", [:], .keyQuery),
                (v1beta, [.authorization: "Bearer sim-key"], .bearerAuthorization),
                (address.liveURL(apiVersion: "v1alpha", method: "BidiGenerateContentConstrained"),
                 [.authorization: "Token auth_tokens/abc"], .tokenAuthorization),
                (address.liveURL(apiVersion: "v1alpha", method: "BidiGenerateContentConstrained")
                    + "?access_token=auth_tokens/abc", [:], .accessTokenQuery),
            ]
            for (number, (url, headers, form)) in cases.enumerated() {
                let result = try await Probe.run(url, headers: headers) { probe in
                    try await probe.sendSetup()
                    try await probe.wait { $0.contains { $0.setupComplete != nil } }
                }
                #expect(result.closeCode == 1000, "\(form)")
                #expect(simulator.recorder.connection(number + 1)?.credentialForm == form)
                #expect(simulator.recorder.connection(number + 1)?.queryNames.contains("sim-key") == false)
            }
        }
    }

    @Test("a wrong key is closed 1007 and a missing one 1008, with the service's reasons")
    func refusedCredentials() async throws {
        let simulator = Fixtures.simulator(SimulatorConfiguration(apiKey: Secret("sim-key")))
        try await simulator.withRunning { address in
            let wrong = try await Probe.run(address.liveURL() + "?key=nope") { probe in
                try await probe.sendSetup()
                try await probe.waitForEnd()
            }
            #expect(wrong.closeCode == 1007)
            #expect(wrong.closeReason == "API key not valid. Please pass a valid API key.")
            #expect(wrong.messages.isEmpty)
            let missing = try await Probe.run(address.liveURL()) { probe in try await probe.waitForEnd() }
            #expect(missing.closeCode == 1008)
            #expect(missing.closeReason?.hasPrefix("Method doesn't allow unregistered callers") == true)
            #expect((missing.closeReason?.utf8.count ?? 0) <= 123)
        }
    }

    @Test("wss:// with the fixture certificate")
    func tls() async throws {
        let simulator = Fixtures.simulator(SimulatorConfiguration(tls: Fixtures.serverTLS, pacing: .immediate))
        let result = try await simulator.withRunning { address in
            #expect(address.baseURL.hasPrefix("wss://"))
            let url = address.liveURL().replacingOccurrences(of: "127.0.0.1", with: "localhost")
            return try await Probe.run(url, tls: Fixtures.clientTLS()) { probe in
                try await probe.sendSetup()
                try await probe.sendText("hello")
                try await probe.wait { $0.contains { $0.isTurnComplete } }
            }
        }
        #expect(result.messages.first?.setupComplete != nil)
        #expect(result.messages.transcript.isEmpty)
        #expect(!result.messages.audio.isEmpty)
    }

    @Test("large client frames (1 MiB) are accepted")
    func largeFrames() async throws {
        let simulator = Fixtures.simulator()
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup()
                try await probe.sendAudio(TestAudio.silence(milliseconds: 32_000), chunkMilliseconds: 32_000)
                try await probe.sendText("still here")
                try await probe.wait { $0.contains { $0.isTurnComplete } }
            }
        }
        #expect(result.closeCode == 1000)
    }
}
