/// Whether a session's microphone goes through the ``EchoCanceller``: the `echo_cancel`
/// StartSession option and the `[audio] echo_cancel` configuration key.
public enum EchoCancelMode: String, Sendable, Hashable, CaseIterable {
    /// When the session captures a physical microphone and its voice plays on speakers (not a
    /// headset): the default.
    case auto
    /// Whenever the session captures a physical microphone and there are speakers, even when the
    /// voice does not play on them (another app plays it) or they look like a headset.
    case on
    /// Never: the session captures the microphone as it is.
    case off
}
