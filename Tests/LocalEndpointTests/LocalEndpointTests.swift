import Foundation
import HTTPTypes
import LiveProtocol
import Testing

@testable import LocalEndpoint

/// The local endpoint's parts that need no socket: which paths it serves, which credentials it
/// takes, the token file, and the check of a client frame.
@Suite struct LocalLivePathTests {
    @Test("the Gemini API's Live paths are served on v1beta and v1alpha, with one or two slashes")
    func served() throws {
        for target in [
            "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent",
            "//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=x",
            "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent",
        ] {
            let path = try LocalLivePath.parse(target).get()
            #expect(path.method == "BidiGenerateContent")
        }
        let constrained = try LocalLivePath.parse(
            "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained?access_token=t"
        ).get()
        #expect(constrained == LocalLivePath(apiVersion: "v1alpha", method: "BidiGenerateContentConstrained"))
    }

    @Test("other paths are refused with 1008 and what to dial instead", arguments: [
        ("/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent", "v1beta"),
        ("/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContentConstrained", "v1alpha"),
        ("/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent", "Gemini API"),
        ("/ws/google.ai.generativelanguage.v1beta.GenerativeService.StreamGenerateContent", "/ws/google.ai.generativelanguage.v1beta"),
        ("/", "BidiGenerateContent"),
    ])
    func refused(target: String, mentions: String) {
        guard case .failure(let refusal) = LocalLivePath.parse(target) else {
            Issue.record("\(target) was served")
            return
        }
        #expect(refusal.code == 1008)
        #expect(refusal.reason.contains(mentions), "\(refusal.reason)")
        #expect(refusal.reason.utf8.count <= 123)
    }

    @Test("query parameters are percent-decoded")
    func query() {
        #expect(LocalLivePath.queryItems(of: "/p?key=a%2Bb&x=1") == ["key": "a+b", "x": "1"])
        #expect(LocalLivePath.queryItems(of: "/p").isEmpty)
    }
}

@Suite struct EndpointCredentialTests {
    static let token = Secret("glg-" + String(repeating: "ab", count: 32))

    static func headers(_ pairs: [(String, String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs { if let name = HTTPField.Name(name) { fields[name] = value } }
        return fields
    }

    @Test("the token is taken in every form the service takes a key")
    func forms() {
        let value = Self.token.revealed
        let cases: [(HTTPFields, [String: String], String)] = [
            (Self.headers([("x-goog-api-key", value)]), [:], "x-goog-api-key"),
            (HTTPFields(), ["key": value], "?key"),
            (Self.headers([("Authorization", "Bearer \(value)")]), [:], "Authorization: Bearer"),
            (Self.headers([("Authorization", "Token \(value)")]), [:], "Authorization: Token"),
            (HTTPFields(), ["access_token": value], "?access_token"),
        ]
        for (headers, query, form) in cases {
            let credential = EndpointCredential(headers: headers, query: query, token: Self.token)
            #expect(credential.verdict == .accepted, "\(form)")
            #expect(credential.form == form)
            #expect(credential.refusal == nil)
        }
    }

    @Test("a wrong key is refused as the service refuses it: 1007 API key not valid")
    func wrong() throws {
        for query in [["key": "nope"], ["key": Self.token.revealed + "x"], ["key": String(Self.token.revealed.dropLast())]] {
            let credential = EndpointCredential(headers: HTTPFields(), query: query, token: Self.token)
            #expect(credential.verdict == .invalid)
            let refusal = try #require(credential.refusal)
            #expect(refusal.code == 1007)
            #expect(refusal.reason == "API key not valid. Please pass a valid API key.")
        }
    }

    @Test("no key is refused as the service refuses it: 1008 unregistered callers, cut at 123 bytes")
    func missing() throws {
        for query in [[:], ["key": ""]] {
            let credential = EndpointCredential(headers: HTTPFields(), query: query, token: Self.token)
            #expect(credential.verdict == .missing)
            let refusal = try #require(credential.refusal)
            #expect(refusal.code == 1008)
            #expect(refusal.reason.hasPrefix("Method doesn't allow unregistered callers"))
            #expect(refusal.reason.utf8.count == 123)
        }
    }
}

@Suite struct LocalTokenTests {
    static func temporaryDirectory() throws -> String {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("local-token-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        return base
    }

    static func mode(_ path: String) throws -> Int {
        try #require((FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue) & 0o777
    }

    @Test("the token is made in a 0700 directory, in a 0600 file, and kept across loads")
    func madeAndKept() throws {
        let base = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let directory = "\(base)/gemini-live"
        let path = "\(directory)/token"
        let first = try LocalToken.load(directory: directory, path: path)
        #expect(first.revealed.hasPrefix("glg-") && first.revealed.utf8.count == 68)
        #expect(try Self.mode(directory) == 0o700)
        #expect(try Self.mode(path) == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == first.revealed + "\n")
        #expect(try LocalToken.load(directory: directory, path: path) == first)
        #expect("\(first)" == "<redacted>")
    }

    @Test("a token file others can read is replaced, and a loose directory is made private")
    func loose() throws {
        let base = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let directory = "\(base)/gemini-live"
        let path = "\(directory)/token"
        let first = try LocalToken.load(directory: directory, path: path)
        chmod(path, 0o644)
        chmod(directory, 0o755)
        let second = try LocalToken.load(directory: directory, path: path)
        #expect(second != first)
        #expect(try Self.mode(path) == 0o600)
        #expect(try Self.mode(directory) == 0o700)
    }

    @Test("a directory that is a file is refused with the path and the fix")
    func notADirectory() throws {
        let base = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let directory = "\(base)/gemini-live"
        #expect(FileManager.default.createFile(atPath: directory, contents: Data()))
        #expect {
            _ = try LocalToken.load(directory: directory, path: "\(directory)/token")
        } throws: { error in
            "\(error)".contains(directory) && "\(error)".contains("not a directory")
        }
    }

    @Test("tokens are compared whole")
    func matches() {
        let token = Secret("glg-abc")
        #expect(LocalToken.matches("glg-abc", token))
        #expect(!LocalToken.matches("glg-abd", token))
        #expect(!LocalToken.matches("glg-ab", token))
        #expect(!LocalToken.matches("", token))
    }
}

@Suite struct ClientFrameValidationTests {
    @Test("a frame the service takes is decoded, in either key casing")
    func accepted() throws {
        for text in [
            #"{"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": "AAA="}}}"#,
            #"{"realtime_input": {"audio_stream_end": true}}"#,
            #"{"client_content": {"turns": [{"role": "user", "parts": [{"text": "hi"}]}], "turn_complete": true}}"#,
            #"{"tool_response": {"functionResponses": [{"id": "1", "name": "f", "response": {"ok": true}}]}}"#,
        ] {
            _ = try EndpointConnection.validate(text, apiVersion: "v1beta").get()
        }
    }

    @Test("a frame the service refuses gets its 1007 close", arguments: [
        ("{not json", "Invalid JSON payload"),
        (#"{"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": "AAA="}, "loudness": 3}}"#, "Unknown name"),
        (#"{"clientContent": {"turns": "hi"}}"#, ""),
    ])
    func refused(text: String, mentions: String) {
        guard case .failure(let refusal) = EndpointConnection.validate(text, apiVersion: "v1beta") else {
            Issue.record("\(text) was taken")
            return
        }
        #expect(refusal.code == 1007)
        #expect(mentions.isEmpty || refusal.reason.contains(mentions), "\(refusal.reason)")
        #expect(refusal.reason.utf8.count <= 123)
    }

    @Test("the model of a refused first frame is found with or without the setup wrapper")
    func model() {
        #expect(EndpointConnection.modelName(in: #"{"setup": {"model": "models/m"}}"#) == "models/m")
        #expect(EndpointConnection.modelName(in: #"{"model": "models/m"}"#) == "models/m")
        #expect(EndpointConnection.modelName(in: "nope") == "")
    }
}
