import Foundation
import GatewaySettings
import LiveProtocol
import Testing

/// config.toml keys of the newest models (issue 10): thinking, translation, custom voice, and the
/// API version rule for the Gemini API host.
@Suite("Configuration file: model settings")
struct ModelSettingsTests {
    @Test("thinking_level, translate_to, translate_echo and custom_voice are read and become session defaults")
    func modelSettings() throws {
        let settings = try GatewaySettings.parse(
            "thinking_level = \"HIGH\"\ntranslate_to = \"pt-BR\"\ntranslate_echo = true\ncustom_voice = \"voices/abc\"\n")
        #expect(settings.thinkingLevel == .high)
        #expect(settings.translateTo == "pt-BR")
        #expect(settings.translateEcho == true)
        #expect(settings.customVoice == "voices/abc")
        let defaults = settings.sessionDefaults(over: SessionConfiguration(voice: "Kore"))
        #expect(defaults.thinking == ThinkingConfig(thinkingLevel: .high))
        #expect(defaults.translation == TranslationConfig(targetLanguageCode: "pt-BR", echoTargetLanguage: true))
        #expect(defaults.model == LiveModel.translateID, "translate_to without model picks the translation model")
        #expect(defaults.voice == nil && defaults.customVoice == "voices/abc")
        let budget = try GatewaySettings.parse("model = \"gemini-2.5-flash-native-audio-latest\"\nthinking_budget = -1\n")
        #expect(budget.sessionDefaults(over: SessionConfiguration()).thinking == ThinkingConfig(thinkingBudget: -1))
    }

    @Test("bad model settings name the key and the fix", arguments: [
        ("thinking_level = \"extreme\"\n", "thinking_level", "minimal, low, medium, high, xhigh"),
        ("thinking_budget = 100000\n", "thinking_budget", "-1…24576"),
        ("thinking_level = \"low\"\nthinking_budget = 10\n", "thinking_budget", "thinking_level"),
        ("translate_to = \"german\"\n", "translate_to", "BCP-47"),
        ("translate_echo = true\n", "translate_echo", "translate_to"),
        ("voice = \"Kore\"\ncustom_voice = \"voices/x\"\n", "custom_voice", "voice"),
        ("[endpoint]\napi_version = \"v1\"\n", "endpoint.api_version", "v1beta"),
        ("[endpoint]\nurl = \"wss://generativelanguage.googleapis.com\"\napi_version = \"v1\"\n", "endpoint.api_version", "not on v1"),
    ])
    func badModelSettings(text: String, key: String, expected: String) {
        let error = #expect(throws: SettingsError.self) { try GatewaySettings.parse(text) }
        #expect(error?.key == key)
        #expect("\(error.map { "\($0)" } ?? "")".contains(expected), "\(String(describing: error))")
    }

    @Test("a custom endpoint may use any API version, v1 included")
    func customEndpointVersion() throws {
        let settings = try GatewaySettings.parse("[endpoint]\nurl = \"ws://127.0.0.1:4000\"\napi_version = \"v1\"\n")
        #expect(settings.endpoint.apiVersion == "v1")
        #expect(try GatewaySettings.parse("[endpoint]\napi_version = \"v1alpha\"\n").endpoint.apiVersion == "v1alpha")
    }
}
