import DBusService
import LiveProtocol

/// Which transcript a `TranscriptionDetail` signal details: its `source` argument.
public enum TranscriptSource: String, Sendable, Hashable {
    /// A fragment of `InputTranscription` (the user's words).
    case input
    /// A fragment of `OutputTranscription` (the model's words).
    case output
    /// An interim input transcript (`serverContent.interimInputTranscription`): the service's
    /// provisional words, which the final `InputTranscription` fragments replace.
    case interim
}

extension Transcription {
    /// Whether the fragment carries more than text and `finished`: language, speaker, timings.
    var carriesDetails: Bool {
        languageCode != nil || speakerLabel != nil || words?.isEmpty == false || startOffset != nil || endOffset != nil
    }
}

extension Transcription {
    /// The `details` argument of `TranscriptionDetail` (`a{sv}`): `finished` `b`, and when the
    /// service sent them `language_code` `s`, `speaker_label` `s`, `start_offset` and `end_offset`
    /// `s` (Duration text, e.g. `"1.250s"`), `words` `a(sss)` (word, start offset, end offset).
    var detailsDictionary: DBusValue {
        var entries: [DBusValue: DBusValue] = [.string("finished"): .variant(.boolean(finished ?? false))]
        if let languageCode { entries[.string("language_code")] = .variant(.string(languageCode)) }
        if let speakerLabel { entries[.string("speaker_label")] = .variant(.string(speakerLabel)) }
        if let startOffset { entries[.string("start_offset")] = .variant(.string(startOffset)) }
        if let endOffset { entries[.string("end_offset")] = .variant(.string(endOffset)) }
        if let words, !words.isEmpty {
            let rows = words.map { word in
                DBusValue.structure([.string(word.word ?? ""), .string(word.startOffset ?? ""), .string(word.endOffset ?? "")])
            }
            entries[.string("words")] = .variant(.array(element: .structure([.string, .string, .string]), rows))
        }
        return .dictionary(key: .string, value: .variant, entries)
    }
}
