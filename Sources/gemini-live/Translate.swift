import ArgumentParser
import DBusService
import Foundation

/// `gemini-live translate --to LANG`: live speech translation from the microphone to the speakers.
struct Translate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Translate what the microphone hears into another language, spoken on the speakers.",
        discussion: """
            Starts a translation session (gemini-3.5-live-translate-preview unless --model names
            another translation model) on the default microphone (or --input NODE), with the
            translated voice on the default speakers (or --output NODE) and both transcripts
            printed as `talk` prints them. The translation is continuous: speak, and the
            translation follows. The model takes audio only: no tools, no system instruction.
            Ctrl-C (or q) ends the session; m mutes the microphone.

            Examples:
              gemini-live translate --to de
              gemini-live translate --to ja-JP --echo --output alsa_output.usb-headset
            """)

    @OptionGroup var bus: BusOptions

    @Option(help: ArgumentHelp("The target language, a BCP-47 tag, e.g. de, fr-FR, ja-JP.", valueName: "language"))
    var to: String
    @Flag(help: "Also speak what is already said in the target language (translationConfig.echoTargetLanguage).")
    var echo = false
    @Option(help: "The translation model (default: gemini-3.5-live-translate-preview).")
    var model: String?
    @Option(help: ArgumentHelp("The microphone: a node name from pw-cli ls Node (default: the default microphone).", valueName: "node"))
    var input: String?
    @Option(help: ArgumentHelp("Where the translation plays: a sink's node name (default: the default speakers).", valueName: "node"))
    var output: String?
    @Flag(name: .customLong("no-echo-cancel"), help: "Do not put the echo canceller between the speakers and the microphone.")
    var noEchoCancel = false

    func validate() throws {
        // The gateway checks the tag itself; this catches what is plainly not one before a session starts.
        guard !to.isEmpty, to.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw ValidationError("--to takes a BCP-47 language tag such as de, fr-FR or ja-JP, not \"\(to)\"")
        }
        if let input, input.isEmpty { throw ValidationError("--input needs a node name, e.g. alsa_input.pci-0000_00_1f.3.analog-stereo") }
        if let output, output.isEmpty { throw ValidationError("--output needs a node name, e.g. alsa_output.pci-0000_00_1f.3.analog-stereo") }
    }

    /// The StartSession options.
    func options() -> [String: DBusValue] {
        var options: [String: DBusValue] = [
            "translate_to": .variant(.string(to)),
            "translate_echo": .variant(.boolean(echo)),
            "audio_input": .variant(.string(input ?? "default-mic")),
            "play_voice": .variant(.boolean(true)),
            "detached": .variant(.boolean(false)),
        ]
        if let model { options["model"] = .variant(.string(model)) }
        if let output { options["voice_output"] = .variant(.string(output)) }
        if noEchoCancel { options["echo_cancel"] = .variant(.string("off")) }
        return options
    }

    func run() async throws {
        try await TalkController.converse(
            bus: bus, options: options(), pushToTalk: false, microphone: input ?? "the default microphone",
            activity: "translating into \(to) with")
    }
}
