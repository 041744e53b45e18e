import LiveProtocol

/// A validated setup, reduced to what the simulator acts on.
struct SessionSettings: Sendable {
    /// The model's catalogue entry.
    var model: LiveModel
    /// True when the model answers in text parts instead of audio.
    var respondsWithText: Bool
    /// `inputAudioTranscription` was set.
    var transcribesInput: Bool
    /// `outputAudioTranscription` was set.
    var transcribesOutput: Bool
    /// The voice-activity settings (nil: defaults).
    var activityDetection: AutomaticActivityDetection?
    /// False when `automaticActivityDetection.disabled` is true.
    var detectsActivityAutomatically: Bool
    /// False for `NO_INTERRUPTION`.
    var activityInterrupts: Bool
    /// Declared functions, in declaration order.
    var functions: [FunctionDeclaration]
    /// `sessionResumption` was set.
    var resumable: Bool
    /// The handle to resume, if one was given.
    var resumeHandle: String?
    /// The prebuilt voice, if named.
    var voiceName: String?
    /// The target of a translation session (gemini-3.5-live-translate-preview).
    var translation: TranslationConfig?
    /// Ids of declared functions the model calls without waiting (`NON_BLOCKING`, explicitly or
    /// by the model's default).
    var nonBlockingFunctions: Set<String>
}
