import ArgumentParser
import DBusService
import Foundation

/// `gemini-live start`: StartSession with options mirroring its `a{sv}` keys.
struct Start: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a session (StartSession) and print its object path.",
        discussion: """
            Sessions start detached by default: every gemini-live run is a new, short-lived bus
            connection, and an owner-bound session would close as soon as this command exits. A detached
            session obeys every connection of your user and closes on `gemini-live close` or after
            --idle-timeout seconds without a call. Pass --attached to bind it to this command instead
            (it then lives only as long as this command runs, which is useful with --wait).
            Options not given fall back to the gateway's configuration file, then its built-in defaults.
            """)

    @OptionGroup var bus: BusOptions

    @Option(help: "Model id, e.g. gemini-3.8-live (default: the gateway's DefaultModel).")
    var model: String?
    @Option(help: "Prebuilt voice name, e.g. Kore.")
    var voice: String?
    @Option(help: "BCP-47 code of the spoken reply, e.g. en-US.")
    var language: String?
    @Option(name: .customLong("system-instruction"), help: "Plain-text instructions for the model.")
    var systemInstruction: String?
    @Option(name: .customLong("response-modality"), help: "AUDIO (default) or TEXT.")
    var responseModality: String?
    @Flag(name: .customLong("no-input-transcription"), help: "Do not transcribe the user's speech.")
    var noInputTranscription = false
    @Flag(name: .customLong("no-output-transcription"), help: "Do not transcribe the model's speech.")
    var noOutputTranscription = false
    @Flag(name: .customLong("vad-disabled"), help: "Turn the service's voice-activity detection off.")
    var vadDisabled = false
    @Option(name: .customLong("start-sensitivity"), help: "Speech-start sensitivity: high or low.")
    var startSensitivity: String?
    @Option(name: .customLong("end-sensitivity"), help: "Speech-end sensitivity: high or low.")
    var endSensitivity: String?
    @Option(name: .customLong("prefix-padding-ms"), help: "Milliseconds of speech before a start is committed.")
    var prefixPaddingMs: UInt32?
    @Option(name: .customLong("silence-ms"), help: "Milliseconds of silence that end the user's turn.")
    var silenceMs: UInt32?
    @Option(name: .customLong("activity-handling"), help: "interrupts (default) or no-interruption.")
    var activityHandling: String?
    @Option(help: ArgumentHelp("A JSON file with an array of function declarations.", valueName: "file.json"))
    var tools: String?
    @Option(help: "Sampling temperature, 0.0 … 2.0.")
    var temperature: Double?
    @Flag(name: .customLong("no-context-compression"), help: "Turn sliding-window context compression off.")
    var noContextCompression = false
    @Option(name: .customLong("resume-handle"), help: "Resume an earlier session by its resumption handle.")
    var resumeHandle: String?
    @Flag(
        inversion: .prefixedNo, exclusivity: .chooseLast,
        help: "Keep the session after this command exits (default); --no-detached binds it to this command.")
    var detached = true
    @Option(name: .customLong("idle-timeout"), help: "Seconds a detached session stays open without a call (default 600).")
    var idleTimeout: UInt32?
    @Option(name: .customLong("handle-token"), help: "Token for a predictable object path ([A-Za-z0-9_], 1–64).")
    var handleToken: String?
    @Option(
        name: .customLong("audio-input"),
        help: ArgumentHelp(
            "Where the session hears from: sink (a virtual sink apps play into, the default), default-mic, a node name (pw-cli ls Node) or none.",
            valueName: "source"))
    var audioInput: String?
    @Flag(name: .customLong("play-voice"), help: "Also play the model's voice on the default speakers.")
    var playVoice = false
    @Option(
        name: .customLong("chunk-ms"),
        help: ArgumentHelp("Milliseconds of input audio per message, 20 … 1000 (default 100).", valueName: "ms"))
    var chunkMs: UInt32?
    @Flag(help: "Print {\"session\": PATH} as JSON.")
    var json = false

    /// The StartSession options these flags describe.
    func options() throws -> [String: DBusValue] {
        var options: [String: DBusValue] = [:]
        func set(_ key: String, _ value: DBusValue?) {
            if let value { options[key] = .variant(value) }
        }
        set("model", model.map(DBusValue.string))
        set("voice", voice.map(DBusValue.string))
        set("language", language.map(DBusValue.string))
        set("system_instruction", systemInstruction.map(DBusValue.string))
        set("response_modality", responseModality.map(DBusValue.string))
        if noInputTranscription { set("input_transcription", .boolean(false)) }
        if noOutputTranscription { set("output_transcription", .boolean(false)) }
        var vad: [DBusValue: DBusValue] = [:]
        if vadDisabled { vad[.string("disabled")] = .variant(.boolean(true)) }
        if let startSensitivity { vad[.string("start_sensitivity")] = .variant(.string(startSensitivity)) }
        if let endSensitivity { vad[.string("end_sensitivity")] = .variant(.string(endSensitivity)) }
        if let prefixPaddingMs { vad[.string("prefix_padding_ms")] = .variant(.uint32(prefixPaddingMs)) }
        if let silenceMs { vad[.string("silence_duration_ms")] = .variant(.uint32(silenceMs)) }
        if !vad.isEmpty { set("vad", .dictionary(key: .string, value: .variant, vad)) }
        set("activity_handling", activityHandling.map(DBusValue.string))
        if let tools { set("tools", .string(try Self.readTools(tools))) }
        set("temperature", temperature.map(DBusValue.double))
        if noContextCompression { set("context_compression", .boolean(false)) }
        set("resume_handle", resumeHandle.map(DBusValue.string))
        set("detached", .boolean(detached))
        set("idle_timeout", idleTimeout.map(DBusValue.uint32))
        set("handle_token", handleToken.map(DBusValue.string))
        set("audio_input", audioInput.map(DBusValue.string))
        if playVoice { set("play_voice", .boolean(true)) }
        set("audio_chunk_ms", chunkMs.map(DBusValue.uint32))
        return options
    }

    /// The tools file's text, checked to be a JSON array (the gateway checks the declarations themselves).
    static func readTools(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIFailure("Cannot read the tools file \(path).")
        }
        guard SafeJSON.object(from: data) is [Any] else {
            throw CLIFailure(
                "The tools file \(path) must hold a JSON array of function declarations, e.g. [{\"name\": \"get_weather\"}].")
        }
        return String(decoding: data, as: UTF8.self)
    }

    func run() async throws {
        let options = try options()
        try await bus.withClient { client in
            let reply = try await client.call(
                GatewayClient.managerPath, GatewayClient.managerInterface, "StartSession",
                [.dictionary(key: .string, value: .variant, Dictionary(uniqueKeysWithValues: options.map { (.string($0), $1) }))],
                action: "StartSession")
            guard case .objectPath(let path)? = reply.first else { throw CLIFailure("StartSession returned \(reply)") }
            if json {
                try Terminal.printJSON(["session": path.rawValue])
            } else {
                Terminal.write(path.rawValue + "\n")
            }
            if !detached {
                Terminal.standardError("gemini-live: the session is bound to this command; press Ctrl-C to end it.")
                _ = await client.connection.waitUntilDisconnected()
            }
        }
    }
}
