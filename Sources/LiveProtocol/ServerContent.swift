import Foundation

/// Model output and turn events (`BidiGenerateContentServerContent`).
public struct ServerContent: Codable, Sendable, Hashable {
    /// Audio (`inlineData`, 24 kHz PCM) or text parts of the model's turn.
    public var modelTurn: Content?
    /// Generation finished; not sent when interrupted.
    public var generationComplete: Bool?
    /// The model's turn (one utterance) is over. With ``interactionStatus`` present the request may
    /// go on: see ``completesRequest``.
    public var turnComplete: Bool?
    /// The model was interrupted: stop and flush playback.
    public var interrupted: Bool?
    public var inputTranscription: Transcription?
    /// A provisional transcript of the user's speech, replaced by later ones (google-genai
    /// `LiveServerContent.interimInputTranscription`).
    public var interimInputTranscription: Transcription?
    public var outputTranscription: Transcription?
    public var groundingMetadata: JSONValue?
    public var urlContextMetadata: JSONValue?
    public var waitingForInput: Bool?
    public var turnCompleteReason: TurnCompleteReason?
    /// `IN_PROGRESS` / `IDLE` (extended-thinking models; sent with `turnComplete`).
    public var interactionStatus: InteractionStatus?

    public init(
        modelTurn: Content? = nil, generationComplete: Bool? = nil, turnComplete: Bool? = nil,
        interrupted: Bool? = nil, inputTranscription: Transcription? = nil, outputTranscription: Transcription? = nil,
        interimInputTranscription: Transcription? = nil, interactionStatus: InteractionStatus? = nil
    ) {
        self.modelTurn = modelTurn
        self.generationComplete = generationComplete
        self.turnComplete = turnComplete
        self.interrupted = interrupted
        self.inputTranscription = inputTranscription
        self.outputTranscription = outputTranscription
        self.interimInputTranscription = interimInputTranscription
        self.interactionStatus = interactionStatus
    }

    /// True when this frame ends the client's request, as google-genai 3.6.1's `receive()` decides
    /// (`live.py` `_is_interaction_complete`): when an ``interactionStatus`` other than
    /// `INTERACTION_STATUS_UNSPECIFIED` is present, at `IDLE`; otherwise at `turnComplete`. A
    /// `turnComplete` with `IN_PROGRESS` ends one utterance of a request that goes on.
    ///
    /// The SDK compares with `IDLE` only; this also takes `REQUIRES_ACTION` as `IDLE`, as the
    /// SDK's enum documents it ("Deprecated: Use IDLE instead"), so an older service spelling
    /// cannot leave a request open forever.
    public var completesRequest: Bool {
        if let interactionStatus, interactionStatus != .unspecified { return interactionStatus.isIdle }
        return turnComplete == true
    }

    /// True when this frame ends one utterance of the model (every `turnComplete`, whatever the
    /// request's status).
    public var completesUtterance: Bool { turnComplete == true }
}

/// A fragment of transcript; fragments are not ordered relative to other events.
///
/// The language, speaker and timing fields are google-genai's `Transcription` (`language_code`,
/// `speaker_label`, `words`; the offsets as protobuf Duration text such as `"1.250s"`, read with
/// ``ProtoDuration/init(text:)``). Speaker labels come with `diarization`, word timings with
/// `wordTimestamp` in the ``AudioTranscriptionConfig``.
public struct Transcription: Codable, Sendable, Hashable {
    public var text: String?
    public var finished: Bool?
    /// BCP-47 language of the fragment, e.g. `de-DE`.
    public var languageCode: String?
    /// The speaker of the segment (`spk_1`, `spk_2`), with diarization.
    public var speakerLabel: String?
    /// Word timings, with `wordTimestamp`.
    public var words: [TranscribedWord]?
    /// Segment start relative to the start of the audio (Duration text).
    public var startOffset: String?
    /// Segment end relative to the start of the audio (Duration text).
    public var endOffset: String?

    public init(
        text: String?, finished: Bool? = nil, languageCode: String? = nil, speakerLabel: String? = nil,
        words: [TranscribedWord]? = nil
    ) {
        self.text = text
        self.finished = finished
        self.languageCode = languageCode
        self.speakerLabel = speakerLabel
        self.words = words
    }
}

/// One recognised word and when it was spoken (google-genai `WordInfo`).
public struct TranscribedWord: Codable, Sendable, Hashable {
    public var word: String?
    /// Duration text relative to the start of the audio, e.g. `"0.480s"`.
    public var startOffset: String?
    public var endOffset: String?

    public init(word: String?, startOffset: String? = nil, endOffset: String? = nil) {
        self.word = word
        self.startOffset = startOffset
        self.endOffset = endOffset
    }
}
