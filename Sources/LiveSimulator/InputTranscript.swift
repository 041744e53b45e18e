import LiveProtocol

/// The input transcription the simulator sends for a user's audio turn, shaped by the setup's
/// `inputAudioTranscription` as the service shapes it (google-genai `Transcription`): the first
/// language hint as `languageCode`, `speakerLabel` `spk_1` with `diarization`, and with
/// `wordTimestamp` each word's span, the speech evenly divided, in Duration text.
enum InputTranscript {
    /// The transcription of `text`, audio from `start` seconds into the session for `seconds`.
    static func make(_ text: String, start: Double, seconds: Double, options: AudioTranscriptionConfig?) -> Transcription {
        var transcription = Transcription(text: text)
        guard let options else { return transcription }
        transcription.languageCode = options.languageCodes?.first
        if options.diarization == true { transcription.speakerLabel = "spk_1" }
        if options.wordTimestamp == true {
            let words = text.split(separator: " ")
            let span = words.isEmpty ? 0 : seconds / Double(words.count)
            transcription.words = words.enumerated().map { index, word in
                TranscribedWord(
                    word: String(word), startOffset: duration(start + Double(index) * span),
                    endOffset: duration(start + Double(index + 1) * span))
            }
            transcription.startOffset = duration(start)
            transcription.endOffset = duration(start + seconds)
        }
        return transcription
    }

    /// Protobuf Duration text with millisecond precision, e.g. `"1.250s"`.
    static func duration(_ seconds: Double) -> String {
        let millis = Int((seconds * 1000).rounded())
        let fraction = String(millis % 1000)
        return "\(millis / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)s"
    }
}
