import AudioNodes

/// Whether a session's microphone goes through the echo canceller, and why: a pure decision from
/// what the session asked for and what the PipeWire graph holds, shown as the session's
/// `EchoCancel` and `EchoCancelReason` properties.
///
/// The canceller helps only when a microphone can hear speakers that play the model's voice:
/// - the session captures a physical source (`audio_input` = `default-mic`, or a node that is a
///   source and not one of the gateway's own nodes), and
/// - its voice plays on speakers (`play_voice`): a default sink exists and is not worn on the
///   ears (`device.form-factor` headset, headphone, hands-free).
///
/// `echo_cancel = off` turns it off; `on` turns it on whenever there is a physical microphone
/// and a sink, even without `play_voice` (the voice may reach the speakers another way) or on a
/// headset; `auto` (the default) applies the rules above.
public struct EchoCancelDecision: Sendable, Hashable {
    /// Whether the canceller is used.
    public var enabled: Bool
    /// Why, in a sentence a user can act on.
    public var reason: String
    /// The microphone and the speakers it sits between, when enabled.
    public var microphone: AudioDevice?
    public var speakers: AudioDevice?

    /// A decision with the given outcome.
    public init(enabled: Bool, reason: String, microphone: AudioDevice? = nil, speakers: AudioDevice? = nil) {
        self.enabled = enabled
        self.reason = reason
        self.microphone = microphone
        self.speakers = speakers
    }

    /// The value of the `EchoCancel` property: `on` or `off`.
    public var state: String { enabled ? "on" : "off" }

    /// Decides for a session's audio `configuration`, given the source it would capture
    /// (`microphone`: the default source, or the node `audio_input` names; nil when the graph
    /// has none) and the default sink (`speakers`).
    public static func decide(_ configuration: SessionAudio.Configuration, microphone: AudioDevice?,
                              speakers: AudioDevice?) -> Self {
        let mode = configuration.echoCancel
        if mode == .off {
            return Self(enabled: false, reason: "turned off (echo_cancel = off)")
        }
        guard configuration.capturesInput else {
            return Self(enabled: false, reason: "the session captures no input (audio_input = none)")
        }
        switch configuration.input.source {
        case .virtualSink:
            return Self(enabled: false, reason:
                "the input is the session's own virtual sink: apps play into it and no microphone hears the speakers")
        case .defaultMicrophone:
            guard let microphone else {
                return Self(enabled: false, reason: "there is no default microphone in the PipeWire graph")
            }
            return decide(mode: mode, microphone: microphone, speakers: speakers,
                          playsOnSpeakers: configuration.playsOnSpeakers)
        case .node(let name):
            guard let microphone, microphone.isSource else {
                return Self(enabled: false, reason:
                    "the input node \"\(name)\" is not a source (a microphone) in the PipeWire graph")
            }
            return decide(mode: mode, microphone: microphone, speakers: speakers,
                          playsOnSpeakers: configuration.playsOnSpeakers)
        }
    }

    private static func decide(mode: EchoCancelMode, microphone: AudioDevice, speakers: AudioDevice?,
                               playsOnSpeakers: Bool) -> Self {
        if microphone.isOwn {
            return Self(enabled: false, reason:
                "the input \"\(microphone.name)\" is one of the gateway's own nodes, not a microphone")
        }
        guard let speakers else {
            return Self(enabled: false, reason: "there are no speakers (no default sink) for the microphone to hear")
        }
        let between = "the microphone \"\(microphone.description)\" can hear the speakers \"\(speakers.description)\""
        if mode == .on {
            return Self(enabled: true, reason: "turned on (echo_cancel = on): \(between)",
                        microphone: microphone, speakers: speakers)
        }
        guard playsOnSpeakers else {
            return Self(enabled: false, reason:
                "the voice does not play on the speakers (play_voice = false); echo_cancel = on cancels them anyway")
        }
        if speakers.isWornOnEars {
            return Self(enabled: false, reason:
                "the voice plays on \"\(speakers.description)\", a \(speakers.formFactor ?? "headset") the microphone cannot hear")
        }
        return Self(enabled: true, reason: "\(between) that play the voice", microphone: microphone, speakers: speakers)
    }

    /// A decision that was on but could not be carried out (the module would not load).
    public static func failed(_ error: String) -> Self {
        Self(enabled: false, reason: "the echo canceller could not start (\(error)); the microphone is captured as it is")
    }
}
