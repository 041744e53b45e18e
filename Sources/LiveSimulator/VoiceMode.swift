/// What the model's voice says.
public enum VoiceMode: String, Sendable, Hashable, CaseIterable {
    /// Audio turns are answered with the caller's own last utterance, resampled 16 → 24 kHz;
    /// text turns with the synthesized voice. The default: audio can be checked end to end.
    case echo
    /// Every turn is answered with the synthesized voice reading the reply text.
    case synthesized
}
