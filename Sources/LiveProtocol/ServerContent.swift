import Foundation

/// Model output and turn events (`BidiGenerateContentServerContent`).
public struct ServerContent: Codable, Sendable, Hashable {
    /// Audio (`inlineData`, 24 kHz PCM) or text parts of the model's turn.
    public var modelTurn: Content?
    /// Generation finished; not sent when interrupted.
    public var generationComplete: Bool?
    /// The model's turn is over.
    public var turnComplete: Bool?
    /// The model was interrupted: stop and flush playback.
    public var interrupted: Bool?
    public var inputTranscription: Transcription?
    public var outputTranscription: Transcription?
    public var groundingMetadata: JSONValue?
    public var urlContextMetadata: JSONValue?
    public var waitingForInput: Bool?
    public var turnCompleteReason: TurnCompleteReason?
    public var interactionStatus: String?

    public init(
        modelTurn: Content? = nil, generationComplete: Bool? = nil, turnComplete: Bool? = nil,
        interrupted: Bool? = nil, inputTranscription: Transcription? = nil, outputTranscription: Transcription? = nil
    ) {
        self.modelTurn = modelTurn
        self.generationComplete = generationComplete
        self.turnComplete = turnComplete
        self.interrupted = interrupted
        self.inputTranscription = inputTranscription
        self.outputTranscription = outputTranscription
    }
}

/// A fragment of transcript; fragments are not ordered relative to other events.
public struct Transcription: Codable, Sendable, Hashable {
    public var text: String?
    public var finished: Bool?

    public init(text: String?, finished: Bool? = nil) {
        self.text = text
        self.finished = finished
    }
}
