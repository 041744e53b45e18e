import DBusService
import LiveProtocol

extension SessionOptions {
    /// The keys of the `transcription` option.
    static let transcriptionKeys: Set<String> = ["languages", "vocabulary", "word_timestamps", "diarization", "mode"]

    /// The `transcription` option as the setup's `inputAudioTranscription` (google-genai
    /// `AudioTranscriptionConfig`).
    static func transcriptionOptions(_ options: [String: DBusValue]) throws(DBusError) -> AudioTranscriptionConfig {
        let unknown = options.keys.filter { !transcriptionKeys.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw .invalidArgs(
                "Unknown key(s) in option \"transcription\": \(unknown.joined(separator: ", ")); known: \(transcriptionKeys.sorted().joined(separator: ", "))")
        }
        var config = AudioTranscriptionConfig()
        if let languages = try options.value("languages", as: [String].self) {
            for language in languages where !LanguageTag.isValid(language) {
                throw .invalidArgs("transcription.languages: \"\(language)\" is not a BCP-47 language tag, e.g. \"de-DE\" or \"en\"")
            }
            config.languageCodes = languages.isEmpty ? nil : languages
        }
        if let vocabulary = try options.value("vocabulary", as: [String].self), !vocabulary.isEmpty {
            config.customVocabulary = vocabulary
        }
        config.wordTimestamp = try options.value("word_timestamps", as: Bool.self)
        config.diarization = try options.value("diarization", as: Bool.self)
        if let mode = try options.value("mode", as: String.self) {
            switch mode.lowercased() {
            case "verbatim": config.mode = "VERBATIM"
            case "smart": config.mode = "SMART"
            default: throw .invalidArgs("transcription.mode must be \"verbatim\" or \"smart\", got \"\(mode)\"")
            }
        }
        if config.mode == "SMART", config.wordTimestamp == true || config.diarization == true {
            throw .invalidArgs(
                "transcription.mode \"smart\" cannot have word_timestamps or diarization (the service documents them as incompatible): drop one of them")
        }
        return config
    }
}
