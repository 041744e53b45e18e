import AudioNodes
import DBusService
import LiveProtocol
import Gateway
import Testing

@Suite("Echo cancellation policy")
struct EchoCancelDecisionTests {
    static let microphone = AudioDevice(nodeID: 40, name: "alsa_input.pci-0000_00_1f.3.analog-stereo",
                                        description: "Built-in Audio Analog Stereo", mediaClass: "Audio/Source",
                                        formFactor: "internal")
    static let speakers = AudioDevice(nodeID: 41, name: "alsa_output.pci-0000_00_1f.3.analog-stereo",
                                      description: "Built-in Audio Analog Stereo", mediaClass: "Audio/Sink",
                                      formFactor: "internal")
    static let headset = AudioDevice(nodeID: 42, name: "bluez_output.00_11_22_33_44_55.1", description: "WH-1000XM4",
                                     mediaClass: "Audio/Sink", formFactor: "headphone")

    static func session(_ source: InputSource = .defaultMicrophone, speakers: Bool = true,
                        mode: EchoCancelMode = .auto, captures: Bool = true) -> SessionAudio.Configuration {
        var configuration = SessionAudio.Configuration(capturesInput: captures, playsOnSpeakers: speakers, echoCancel: mode)
        configuration.input.source = source
        return configuration
    }

    @Test("the default microphone with the voice on speakers: on, between the two devices")
    func microphoneAndSpeakers() {
        let decision = EchoCancelDecision.decide(Self.session(), microphone: Self.microphone, speakers: Self.speakers)
        #expect(decision.enabled)
        #expect(decision.state == "on")
        #expect(decision.microphone == Self.microphone && decision.speakers == Self.speakers)
        #expect(decision.reason.contains("Built-in Audio Analog Stereo"), "\(decision.reason)")
    }

    @Test("a named source is a microphone too; a named sink or stream is not")
    func namedNode() {
        let named = EchoCancelDecision.decide(Self.session(.node(Self.microphone.name)), microphone: Self.microphone,
                                              speakers: Self.speakers)
        #expect(named.enabled)
        let sink = EchoCancelDecision.decide(Self.session(.node(Self.speakers.name)), microphone: Self.speakers,
                                             speakers: Self.speakers)
        #expect(!sink.enabled)
        #expect(sink.reason.contains("is not a source"), "\(sink.reason)")
        let missing = EchoCancelDecision.decide(Self.session(.node("nowhere")), microphone: nil, speakers: Self.speakers)
        #expect(!missing.enabled && missing.reason.contains("\"nowhere\""), "\(missing.reason)")
    }

    @Test("skipped where it cannot help, each with its reason", arguments: [
        ("sink", "own virtual sink"), ("none", "captures no input"), ("no speakers", "no speakers"),
        ("no voice", "play_voice = false"), ("headset", "headphone"), ("no microphone", "no default microphone"),
        ("own node", "gateway's own nodes"), ("off", "echo_cancel = off"),
    ])
    func skipped(situation: String, reason: String) {
        let own = AudioDevice(nodeID: 50, name: "gemini-live-3-voice", description: "Gemini Live voice (session 3)",
                              mediaClass: "Audio/Source", isOwn: true)
        let decision: EchoCancelDecision = switch situation {
        case "sink": .decide(Self.session(.virtualSink), microphone: Self.microphone, speakers: Self.speakers)
        case "none": .decide(Self.session(captures: false), microphone: Self.microphone, speakers: Self.speakers)
        case "no speakers": .decide(Self.session(), microphone: Self.microphone, speakers: nil)
        case "no voice": .decide(Self.session(speakers: false), microphone: Self.microphone, speakers: Self.speakers)
        case "headset": .decide(Self.session(), microphone: Self.microphone, speakers: Self.headset)
        case "no microphone": .decide(Self.session(), microphone: nil, speakers: Self.speakers)
        case "own node": .decide(Self.session(.node(own.name)), microphone: own, speakers: Self.speakers)
        default: .decide(Self.session(mode: .off), microphone: Self.microphone, speakers: Self.speakers)
        }
        #expect(!decision.enabled)
        #expect(decision.state == "off")
        #expect(decision.microphone == nil)
        #expect(decision.reason.contains(reason), "\(situation): \(decision.reason)")
    }

    @Test("echo_cancel = on overrides play_voice and the headset, not a missing microphone or sink")
    func forcedOn() {
        let headset = EchoCancelDecision.decide(Self.session(speakers: false, mode: .on), microphone: Self.microphone,
                                                speakers: Self.headset)
        #expect(headset.enabled)
        #expect(headset.reason.contains("echo_cancel = on"))
        #expect(!EchoCancelDecision.decide(Self.session(mode: .on), microphone: Self.microphone, speakers: nil).enabled)
        #expect(!EchoCancelDecision.decide(Self.session(.virtualSink, mode: .on), microphone: Self.microphone,
                                           speakers: Self.speakers).enabled)
    }

    @Test("device form factors worn on the ears", arguments: [
        ("headset", true), ("headphone", true), ("hands-free", true), ("Headphone", true),
        ("speaker", false), ("internal", false), ("webcam", false), (nil, false),
    ] as [(String?, Bool)])
    func wornOnEars(formFactor: String?, worn: Bool) {
        let device = AudioDevice(nodeID: 1, name: "x", description: "x", mediaClass: "Audio/Sink", formFactor: formFactor)
        #expect(device.isWornOnEars == worn)
    }

    @Test("a canceller that would not load says so, and the microphone is used as it is")
    func failed() {
        let decision = EchoCancelDecision.failed("pw_context_load_module: No such file or directory")
        #expect(!decision.enabled)
        #expect(decision.reason.contains("could not start") && decision.reason.contains("No such file"))
    }
}

@Suite("echo_cancel option")
struct EchoCancelOptionTests {
    @Test("auto, on and off are taken; anything else is InvalidArgs naming the choices; the gateway's default applies")
    func option() throws {
        for mode in EchoCancelMode.allCases {
            let options = try SessionOptions(["echo_cancel": .variant(.string(mode.rawValue))], defaults: .init())
            #expect(options.audio.echoCancel == mode)
        }
        let error = #expect(throws: DBusError.self) {
            try SessionOptions(["echo_cancel": .variant(.string("yes"))], defaults: .init())
        }
        #expect(error?.message.contains("\"auto\"") == true && error?.message.contains("\"yes\"") == true,
                "\(String(describing: error))")
        #expect(throws: DBusError.self) { try SessionOptions(["echo_cancel": .variant(.boolean(true))], defaults: .init()) }
        let defaults = SessionAudio.Configuration(echoCancel: .off)
        #expect(try SessionOptions([:], defaults: .init(), audio: defaults).audio.echoCancel == .off)
    }
}
