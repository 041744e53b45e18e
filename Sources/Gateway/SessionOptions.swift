import AudioNodes
import DBusService
import Foundation
import LiveProtocol

/// The `a{sv}` options of `StartSession`, checked and turned into a ``SessionConfiguration``.
///
/// Every key and its type are documented in `dbus/io.github.geminilive.Gateway1.xml`. An unknown
/// key or a value of the wrong type is an `InvalidArgs` error naming the key and the expected type.
public struct SessionOptions: Sendable {
    /// The session as the caller asked for it.
    public var configuration: SessionConfiguration
    /// The caller's token for a predictable object path.
    public var handleToken: String?
    /// The session outlives its caller and obeys any connection of the caller's Unix user.
    public var detached = false
    /// How long a detached session stays open without a method call.
    public var idleTimeout: Duration = .seconds(600)
    /// The session's nodes, from the gateway's defaults and the audio options.
    public var audio: SessionAudio.Configuration

    /// The option keys and their D-Bus types.
    public static let keys: [String: String] = [
        "model": "s", "voice": "s", "language": "s", "system_instruction": "s", "response_modality": "s",
        "input_transcription": "b", "output_transcription": "b", "vad": "a{sv}", "activity_handling": "s",
        "tools": "s", "temperature": "d", "context_compression": "b", "resumption": "b", "resume_handle": "s", "handle_token": "s",
        "detached": "b", "idle_timeout": "u", "audio_input": "s", "play_voice": "b", "audio_chunk_ms": "u",
        "jitter_buffer_ms": "u", "voice_output": "s", "echo_cancel": "s",
    ].merging(modelOptionKeys) { first, _ in first }

    static let vadKeys: Set<String> = [
        "disabled", "start_sensitivity", "end_sensitivity", "prefix_padding_ms", "silence_duration_ms",
    ]

    /// Parses `options`, starting from `defaults` and the gateway's `audio` defaults.
    public init(_ options: [String: DBusValue], defaults: SessionConfiguration,
                audio: SessionAudio.Configuration = .init()) throws(DBusError) {
        try options.rejectUnknownKeys(Set(Self.keys.keys))
        var configuration = defaults
        if let model = try options.value("model", as: String.self) {
            guard !model.isEmpty else { throw .invalidArgs("Option \"model\" must not be empty, e.g. \"\(LiveModel.defaultID)\"") }
            configuration.model = model
        }
        configuration.voice = try options.value("voice", as: String.self) ?? configuration.voice
        configuration.language = try options.value("language", as: String.self) ?? configuration.language
        configuration.systemInstruction =
            try options.value("system_instruction", as: String.self) ?? configuration.systemInstruction
        if let modality = try options.value("response_modality", as: String.self) {
            switch modality.uppercased() {
            case "AUDIO": configuration.responseModality = .audio
            case "TEXT": configuration.responseModality = .text
            default: throw .invalidArgs("Option \"response_modality\" must be \"AUDIO\" or \"TEXT\", got \"\(modality)\"")
            }
        }
        configuration.inputTranscription =
            try options.value("input_transcription", as: Bool.self) ?? configuration.inputTranscription
        configuration.outputTranscription =
            try options.value("output_transcription", as: Bool.self) ?? configuration.outputTranscription
        if let vad = try options.value("vad", as: [String: DBusValue].self) {
            configuration.activityDetection = try Self.activityDetection(vad)
        }
        if let handling = try options.value("activity_handling", as: String.self) {
            switch handling.lowercased() {
            case "interrupts", "start_of_activity_interrupts": configuration.activityHandling = .startOfActivityInterrupts
            case "no-interruption", "no_interruption": configuration.activityHandling = .noInterruption
            default:
                throw .invalidArgs("Option \"activity_handling\" must be \"interrupts\" or \"no-interruption\", got \"\(handling)\"")
            }
        }
        if let tools = try options.value("tools", as: String.self) {
            configuration.functions = try Self.functions(fromJSON: tools)
        }
        try Self.applyModelOptions(options, to: &configuration)
        if let temperature = try options.value("temperature", as: Double.self) {
            guard temperature.isFinite else { throw .invalidArgs("Option \"temperature\" must be a finite number (0.0 … 2.0)") }
            configuration.temperature = temperature
        }
        if let compression = try options.value("context_compression", as: Bool.self) {
            configuration.contextCompression = compression ? ContextWindowCompression() : nil
        }
        if let resumption = try options.value("resumption", as: Bool.self) {
            configuration.sessionResumption = resumption
        }
        if let handle = try options.value("resume_handle", as: String.self) {
            guard !handle.isEmpty else { throw .invalidArgs("Option \"resume_handle\" must not be empty") }
            configuration.resumeHandle = handle
        }
        if let token = try options.value("handle_token", as: String.self) {
            guard !token.isEmpty, token.count <= 64,
                token.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") })
            else {
                throw .invalidArgs(
                    "Option \"handle_token\" must be 1 to 64 characters of A-Z, a-z, 0-9 and _, got \"\(token.prefix(80))\"")
            }
            handleToken = token
        }
        detached = try options.value("detached", as: Bool.self) ?? false
        if let seconds = try options.value("idle_timeout", as: UInt32.self) {
            guard seconds > 0 else { throw .invalidArgs("Option \"idle_timeout\" must be at least 1 second") }
            idleTimeout = .seconds(Int(seconds))
        }
        self.configuration = configuration
        self.audio = try Self.audio(options, defaults: audio)
    }

    static func audio(_ options: [String: DBusValue], defaults: SessionAudio.Configuration) throws(DBusError)
        -> SessionAudio.Configuration
    {
        var audio = defaults
        if let input = try options.value("audio_input", as: String.self) {
            switch input {
            case "sink": audio.capturesInput = true; audio.input.source = .virtualSink
            case "none": audio.capturesInput = false
            case "default-mic": audio.capturesInput = true; audio.input.source = .defaultMicrophone
            case "":
                throw .invalidArgs(
                    "Option \"audio_input\" must be \"sink\", \"none\", \"default-mic\" or a node name (see pw-cli ls Node), not empty")
            default: audio.capturesInput = true; audio.input.source = .node(input)
            }
        }
        audio.playsOnSpeakers = try options.value("play_voice", as: Bool.self) ?? audio.playsOnSpeakers
        if let output = try options.value("voice_output", as: String.self) {
            guard !output.isEmpty else {
                throw .invalidArgs(
                    "Option \"voice_output\" must be \"default\" (the default speakers) or a sink's node name (see pw-cli ls Node), not empty")
            }
            guard try options.value("play_voice", as: Bool.self) != false else {
                throw .invalidArgs("Option \"voice_output\" plays the voice on a sink; it contradicts \"play_voice\": false")
            }
            audio.playsOnSpeakers = true
            audio.speakerTarget = output == "default" ? nil : output
        }
        if let chunk = try options.value("audio_chunk_ms", as: UInt32.self) {
            guard (20...1000).contains(chunk) else {
                throw .invalidArgs("Option \"audio_chunk_ms\" must be 20 to 1000 (milliseconds of input per message), got \(chunk)")
            }
            audio.input.chunkDuration = .milliseconds(Int(chunk))
        }
        if let echo = try options.value("echo_cancel", as: String.self) {
            guard let mode = EchoCancelMode(rawValue: echo) else {
                throw .invalidArgs(
                    "Option \"echo_cancel\" must be \"auto\" (cancel the speakers' echo when a microphone can hear them), \"on\" or \"off\", got \"\(echo)\"")
            }
            audio.echoCancel = mode
        }
        if let jitter = try options.value("jitter_buffer_ms", as: UInt32.self) {
            guard jitter <= 2000 else {
                throw .invalidArgs("Option \"jitter_buffer_ms\" must be 0 to 2000 (milliseconds of voice queued before playing), got \(jitter)")
            }
            audio.output.targetDepth = .milliseconds(Int(jitter))
        }
        return audio
    }

    static func activityDetection(_ vad: [String: DBusValue]) throws(DBusError) -> AutomaticActivityDetection {
        let unknown = vad.keys.filter { !vadKeys.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw .invalidArgs(
                "Unknown key(s) in option \"vad\": \(unknown.joined(separator: ", ")); known: \(vadKeys.sorted().joined(separator: ", "))")
        }
        var detection = AutomaticActivityDetection()
        detection.disabled = try vad.value("disabled", as: Bool.self)
        if let start = try vad.value("start_sensitivity", as: String.self) {
            switch start.lowercased() {
            case "high": detection.startOfSpeechSensitivity = .high
            case "low": detection.startOfSpeechSensitivity = .low
            default: throw .invalidArgs("vad.start_sensitivity must be \"high\" or \"low\", got \"\(start)\"")
            }
        }
        if let end = try vad.value("end_sensitivity", as: String.self) {
            switch end.lowercased() {
            case "high": detection.endOfSpeechSensitivity = .high
            case "low": detection.endOfSpeechSensitivity = .low
            default: throw .invalidArgs("vad.end_sensitivity must be \"high\" or \"low\", got \"\(end)\"")
            }
        }
        if let padding = try vad.value("prefix_padding_ms", as: UInt32.self) {
            detection.prefixPaddingMs = Int(min(padding, 60_000))
        }
        if let silence = try vad.value("silence_duration_ms", as: UInt32.self) {
            detection.silenceDurationMs = Int(min(silence, 60_000))
        }
        return detection
    }

    static func functions(fromJSON text: String) throws(DBusError) -> [FunctionDeclaration] {
        let example = #"[{"name": "get_weather", "description": "…", "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}}}]"#
        do {
            let value = try JSONValue(parsing: text)
            guard case .array = value else {
                throw DBusError.invalidArgs("Option \"tools\" must be a JSON array of function declarations, e.g. \(example)")
            }
            let declarations = try LiveJSON.decode([FunctionDeclaration].self, from: Data(text.utf8))
            for declaration in declarations where declaration.name.isEmpty {
                throw DBusError.invalidArgs("Option \"tools\": every function declaration needs a \"name\"")
            }
            return try declarations.map { declaration throws(DBusError) in try Self.checkedBehavior(declaration) }
        } catch let error as DBusError {
            throw error
        } catch {
            throw .invalidArgs("Option \"tools\" is not valid JSON function declarations (\(error)); expected e.g. \(example)")
        }
    }
}
