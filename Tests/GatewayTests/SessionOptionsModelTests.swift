import DBusService
import Foundation
import Gateway
import LiveProtocol
import Testing

/// StartSession's options for the newest models, parsed without a bus (issue 10 §2–§3):
/// thinking, translation, custom and replicated voices, and `behavior` in `tools`.
@Suite("StartSession options: models")
struct SessionOptionsModelTests {
    static func parse(_ options: [String: DBusValue]) throws(DBusError) -> SessionConfiguration {
        try SessionOptions(options.mapValues { .variant($0) }, defaults: SessionConfiguration()).configuration
    }

    static func message(_ options: [String: DBusValue]) -> String {
        do {
            _ = try parse(options)
            return "(accepted)"
        } catch {
            return error.message
        }
    }

    /// A minimal RIFF/WAVE header and some samples.
    static let wav: [UInt8] = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WAVE".utf8) + Array(repeating: 0, count: 40)

    @Test func thinking() throws {
        #expect(try Self.parse(["thinking_level": .string("XHigh")]).thinking == ThinkingConfig(thinkingLevel: .xhigh))
        #expect(try Self.parse(["thinking_budget": .int32(-1)]).thinking == ThinkingConfig(thinkingBudget: -1))
        #expect(Self.message(["thinking_level": .string("max")]).contains("minimal, low, medium, high, xhigh"))
        #expect(Self.message(["thinking_budget": .int32(99_999)]).contains("24576"))
        #expect(Self.message(["thinking_level": .string("low"), "thinking_budget": .int32(5)]).contains("exclude each other"))
        #expect(Self.message(["thinking_budget": .string("5")]).contains("must be of type i"))
    }

    @Test func translation() throws {
        let configuration = try Self.parse(["translate_to": .string("de"), "translate_echo": .boolean(true)])
        #expect(configuration.translation == TranslationConfig(targetLanguageCode: "de", echoTargetLanguage: true))
        #expect(configuration.model == LiveModel.translateID)
        let explicit = try Self.parse(["translate_to": .string("es"), "model": .string("gemini-3.8-live")])
        #expect(explicit.model == "gemini-3.8-live", "an explicit model is kept (preflight then explains)")
        #expect(Self.message(["translate_to": .string("Deutsch")]).contains("BCP-47"))
        #expect(Self.message(["translate_echo": .boolean(true)]).contains("needs \"translate_to\""))
    }

    @Test func voices() throws {
        let custom = try SessionOptions(
            ["custom_voice": .variant(.string("voices/abc"))], defaults: SessionConfiguration(voice: "Kore")
        ).configuration
        #expect(custom.customVoice == "voices/abc" && custom.voice == nil)
        let replicated = try Self.parse([
            "replicated_voice_sample": Self.wav.dbusValue, "voice_consent_signature": .string("sig"),
        ])
        #expect(replicated.replicatedVoice?.voiceSampleAudio == Data(Self.wav))
        #expect(replicated.replicatedVoice?.voiceConsentSignature?.signature == "sig")
        #expect(replicated.replicatedVoice?.mimeType == "audio/wav")
        #expect(Self.message(["voice": .string("Kore"), "custom_voice": .string("voices/x")]).contains("exclude each other"))
        #expect(Self.message(["replicated_voice_sample": [UInt8](repeating: 1, count: 60).dbusValue]).contains("WAV"))
        #expect(Self.message(["voice_consent_signature": .string("s")]).contains("replicated_voice_sample"))
        #expect(Self.message(["custom_voice": .string("")]).contains("Voices API"))
    }

    @Test func toolBehavior() throws {
        let tools = #"[{"name": "a", "behavior": "non_blocking"}, {"name": "b", "behavior": "BLOCKING"}, {"name": "c"}]"#
        let functions = try Self.parse(["tools": .string(tools)]).functions
        #expect(functions.map(\.behavior) == [.nonBlocking, .blocking, nil])
        let bad = Self.message(["tools": .string(#"[{"name": "a", "behavior": "later"}]"#)])
        #expect(bad.contains("\"BLOCKING\" or \"NON_BLOCKING\""))
    }
}
