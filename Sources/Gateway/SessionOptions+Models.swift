import DBusService
import Foundation
import LiveProtocol

/// The StartSession options of the newest models: thinking, translation, custom and replicated
/// voices, and the `behavior` of declared functions (dbus/io.github.geminilive.Gateway1.xml).
///
/// Values are checked here (InvalidArgs naming the fix); whether the chosen model takes them is
/// preflight's to say (``Preflight``: a thinking level on a 2.5 model, tools on the translation
/// model, …), with the same InvalidConfig error the gateway gives for every preflight refusal.
extension SessionOptions {
    /// The option keys of this file and their D-Bus types.
    static let modelOptionKeys: [String: String] = [
        "thinking_level": "s", "thinking_budget": "i", "translate_to": "s", "translate_echo": "b",
        "custom_voice": "s", "replicated_voice_sample": "ay", "replicated_voice_consent": "ay",
        "voice_consent_signature": "s",
    ]

    /// The largest `thinking_budget`: 2.5 Flash takes 0 (off) to 24,576 tokens, -1 is dynamic.
    static let thinkingBudgetRange: ClosedRange<Int32> = -1...24_576

    static func applyModelOptions(_ options: [String: DBusValue], to configuration: inout SessionConfiguration)
        throws(DBusError)
    {
        try applyThinking(options, to: &configuration)
        try applyTranslation(options, to: &configuration)
        try applyVoice(options, to: &configuration)
    }

    /// `thinking_level` (3.x models) or `thinking_budget` (2.5 models); not both.
    static func applyThinking(_ options: [String: DBusValue], to configuration: inout SessionConfiguration)
        throws(DBusError)
    {
        let levelText = try options.value("thinking_level", as: String.self)
        let budget = try options.value("thinking_budget", as: Int32.self)
        if levelText != nil, budget != nil {
            throw .invalidArgs(
                "Options \"thinking_level\" and \"thinking_budget\" exclude each other: 3.x models take thinking_level, 2.5 models take thinking_budget")
        }
        if let levelText {
            let names = ThinkingLevel.all.map { $0.rawValue.lowercased() }
            guard names.contains(levelText.lowercased()) else {
                throw .invalidArgs(
                    "Option \"thinking_level\" must be one of \(names.joined(separator: ", ")), got \"\(levelText.prefix(40))\"")
            }
            var thinking = configuration.thinking ?? ThinkingConfig()
            thinking.thinkingBudget = nil
            thinking.thinkingLevel = ThinkingLevel(rawValue: levelText)
            configuration.thinking = thinking
        }
        if let budget {
            guard thinkingBudgetRange.contains(budget) else {
                throw .invalidArgs(
                    "Option \"thinking_budget\" must be -1 (dynamic), 0 (off) or up to 24576 tokens, got \(budget)")
            }
            var thinking = configuration.thinking ?? ThinkingConfig()
            thinking.thinkingLevel = nil
            thinking.thinkingBudget = Int(budget)
            configuration.thinking = thinking
        }
    }

    /// `translate_to` (BCP-47) and `translate_echo`. Without an explicit `model`, `translate_to`
    /// picks the translation model, since no other model translates.
    static func applyTranslation(_ options: [String: DBusValue], to configuration: inout SessionConfiguration)
        throws(DBusError)
    {
        let target = try options.value("translate_to", as: String.self)
        let echo = try options.value("translate_echo", as: Bool.self)
        guard let target else {
            if echo != nil {
                throw .invalidArgs("Option \"translate_echo\" needs \"translate_to\" (the target language, e.g. \"de\")")
            }
            return
        }
        guard LanguageTag.isValid(target) else {
            throw .invalidArgs(
                "Option \"translate_to\" must be a BCP-47 language code such as \"de\", \"es\" or \"pt-BR\", got \"\(target.prefix(40))\"")
        }
        configuration.translation = TranslationConfig(targetLanguageCode: target, echoTargetLanguage: echo)
        if options["model"] == nil { configuration.model = LiveModel.translateID }
    }

    /// `custom_voice` (a Voices API name) or a replicated voice (`replicated_voice_sample`, with
    /// `replicated_voice_consent` or `voice_consent_signature`); either replaces `voice`.
    static func applyVoice(_ options: [String: DBusValue], to configuration: inout SessionConfiguration)
        throws(DBusError)
    {
        let custom = try options.value("custom_voice", as: String.self)
        let sample = try options.value("replicated_voice_sample", as: [UInt8].self)
        let consent = try options.value("replicated_voice_consent", as: [UInt8].self)
        let signature = try options.value("voice_consent_signature", as: String.self)
        let chosen = [options["voice"] != nil ? "voice" : nil, custom != nil ? "custom_voice" : nil,
                      sample != nil ? "replicated_voice_sample" : nil].compactMap { $0 }
        if chosen.count > 1 {
            throw .invalidArgs(
                "Options \(chosen.map { "\"\($0)\"" }.joined(separator: " and ")) exclude each other: a session has one voice")
        }
        if let custom {
            guard !custom.isEmpty, custom.count <= 512 else {
                throw .invalidArgs("Option \"custom_voice\" must be a voice name from the Voices API, e.g. \"voices/abc123\"")
            }
            configuration.voice = nil
            configuration.replicatedVoice = nil
            configuration.customVoice = custom
        }
        guard let sample else {
            if consent != nil || signature != nil {
                throw .invalidArgs(
                    "Options \"replicated_voice_consent\" and \"voice_consent_signature\" need \"replicated_voice_sample\" (the WAV sample of the voice)")
            }
            return
        }
        guard Self.isWAV(sample) else {
            throw .invalidArgs(
                "Option \"replicated_voice_sample\" must be a WAV file's bytes (16-bit, 24 kHz, starting with RIFF…WAVE), got \(sample.count) bytes")
        }
        if let consent, !Self.isWAV(consent) {
            throw .invalidArgs("Option \"replicated_voice_consent\" must be a WAV file's bytes (16-bit, 24 kHz)")
        }
        configuration.voice = nil
        configuration.customVoice = nil
        configuration.replicatedVoice = ReplicatedVoiceConfig(
            mimeType: "audio/wav", voiceSampleAudio: Data(sample), consentAudio: consent.map { Data($0) },
            voiceConsentSignature: signature.map { VoiceConsentSignature(signature: $0) })
    }

    /// True for bytes that begin like a RIFF/WAVE file.
    static func isWAV(_ bytes: [UInt8]) -> Bool {
        bytes.count > 44 && bytes[0..<4].elementsEqual("RIFF".utf8) && bytes[8..<12].elementsEqual("WAVE".utf8)
    }

    /// A declaration whose `behavior`, when given, is BLOCKING or NON_BLOCKING (any case).
    static func checkedBehavior(_ declaration: FunctionDeclaration) throws(DBusError) -> FunctionDeclaration {
        guard let behavior = declaration.behavior else { return declaration }
        let normalized = FunctionBehavior(rawValue: behavior.rawValue.uppercased())
        guard normalized == .blocking || normalized == .nonBlocking else {
            throw .invalidArgs(
                "Option \"tools\": \"behavior\" of \"\(declaration.name)\" must be \"BLOCKING\" or \"NON_BLOCKING\", got \"\(behavior.rawValue.prefix(40))\"")
        }
        var checked = declaration
        checked.behavior = normalized
        return checked
    }
}
