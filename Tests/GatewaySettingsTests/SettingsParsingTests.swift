import Foundation
import GatewaySettings
import LiveProtocol
import Testing

@Suite("Configuration file")
struct SettingsParsingTests {
    static let complete = """
        # every setting
        model = "gemini-3.8-live"
        voice = "Kore"
        language = "en-US"
        key_file = "~/keys/gemini"

        [endpoint]
        url = "ws://127.0.0.1:4000"
        api_version = "v1alpha"

        [vad]
        disabled = false
        start_sensitivity = "high"
        end_sensitivity = "LOW"
        prefix_padding_ms = 20
        silence_duration_ms = 500

        [audio]
        chunk_ms = 40
        jitter_ms = 80
        """

    @Test("every setting is read")
    func complete() throws {
        let settings = try GatewaySettings.parse(Self.complete)
        #expect(settings.model == "gemini-3.8-live")
        #expect(settings.voice == "Kore")
        #expect(settings.language == "en-US")
        #expect(settings.keyFile == "~/keys/gemini")
        #expect(settings.endpoint == .init(url: "ws://127.0.0.1:4000", apiVersion: "v1alpha"))
        #expect(
            settings.vad
                == .init(disabled: false, startSensitivity: .high, endSensitivity: .low, prefixPaddingMs: 20, silenceDurationMs: 500))
        #expect(settings.audio == .init(chunkDuration: .milliseconds(40), jitterTargetDepth: .milliseconds(80)))
    }

    @Test("an empty file sets nothing")
    func empty() throws {
        #expect(try GatewaySettings.parse("") == GatewaySettings())
        #expect(try GatewaySettings.parse("# only a comment\n") == GatewaySettings())
    }

    @Test("a syntax error reports TOMLKit's line and column")
    func syntax() {
        let error = #expect(throws: SettingsError.self) {
            try GatewaySettings.parse("model = \"a\"\nvoice = Kore\n", path: "config.toml")
        }
        #expect(error?.line == 2)
        #expect(error?.column != nil)
        #expect(error?.description.hasPrefix("config.toml:2:") == true)
        #expect(error?.description.contains("Fix:") == true)
    }

    @Test("a value of the wrong type names its key, the line it is on and a fix", arguments: [
        ("[vad]\nsilence_duration_ms = \"500\"\n", "vad.silence_duration_ms", 2, "integer"),
        ("model = \"m\"\n\n[audio]\nchunk_ms = 2.5\n", "audio.chunk_ms", 4, "integer"),
        ("[audio]\nchunk_ms = 100\njitter_ms = \"60ms\"\n", "audio.jitter_ms", 3, "integer"),
        ("voice = 3\n", "voice", 1, "string"),
        ("[vad]\ndisabled = \"yes\"\n", "vad.disabled", 2, "true or false"),
        ("vad = 1\n", "vad", 1, "table"),
    ])
    func wrongType(text: String, key: String, line: Int, expected: String) {
        let error = #expect(throws: SettingsError.self) { try GatewaySettings.parse(text) }
        #expect(error?.key == key)
        #expect(error?.line == line)
        #expect(error?.problem.contains(expected) == true, "\(String(describing: error))")
    }

    @Test("bad values and unknown keys are refused with what is allowed", arguments: [
        ("[vad]\nstart_sensitivity = \"medium\"\n", "vad.start_sensitivity", "\"high\" or \"low\""),
        ("[audio]\nchunk_ms = 10\n", "audio.chunk_ms", "20…1000"),
        ("[audio]\nchunk_ms = 1001\n", "audio.chunk_ms", "20…1000"),
        ("[audio]\njitter_ms = -1\n", "audio.jitter_ms", "0…2000"),
        ("[audio]\njitter_ms = 5000\n", "audio.jitter_ms", "0…2000"),
        ("[audio]\njitter_buffer_ms = 80\n", "audio.jitter_buffer_ms", "known: chunk_ms, jitter_ms"),
        ("[audio]\necho_cancel = \"maybe\"\n", "audio.echo_cancel", "\"auto\", \"on\" or \"off\""),
        ("[audio]\necho_cancel = true\n", "audio.echo_cancel", "echo_cancel"),
        ("[endpoint]\nurl = \"https://example.com\"\n", "endpoint.url", "ws://"),
        ("[endpoint]\napi_version = \"v2\"\n", "endpoint.api_version", "v1beta"),
        ("modle = \"x\"\n", "modle", "not a known setting"),
        ("[vad]\nsilence_ms = 3\n", "vad.silence_ms", "not a known setting"),
        ("model = \"\"\n", "model", "empty"),
    ])
    func badValues(text: String, key: String, expected: String) {
        let error = #expect(throws: SettingsError.self) { try GatewaySettings.parse(text) }
        #expect(error?.key == key)
        #expect(error?.line != nil)
        #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
    }

    @Test("[audio]: each size is a Duration when set, nil when not; the range ends are allowed")
    func audio() throws {
        #expect(try GatewaySettings.parse("[audio]\n").audio == .init())
        let chunkOnly = try GatewaySettings.parse("[audio]\nchunk_ms = 100\n").audio
        #expect(chunkOnly.chunkDuration == .milliseconds(100))
        #expect(chunkOnly.jitterTargetDepth == nil)
        let ends = try GatewaySettings.parse("[audio]\nchunk_ms = 20\njitter_ms = 0\n").audio
        #expect(ends == .init(chunkDuration: .milliseconds(20), jitterTargetDepth: .zero))
        let upper = try GatewaySettings.parse("[audio]\nchunk_ms = 1000\njitter_ms = 2000\n").audio
        #expect(upper == .init(chunkDuration: .seconds(1), jitterTargetDepth: .seconds(2)))
    }

    @Test("[audio] echo_cancel: auto, on or off (any case); unset is nil")
    func echoCancel() throws {
        #expect(try GatewaySettings.parse("[audio]\n").audio.echoCancel == nil)
        for mode in GatewaySettings.Audio.EchoCancel.allCases {
            #expect(try GatewaySettings.parse("[audio]\necho_cancel = \"\(mode.rawValue.uppercased())\"\n").audio.echoCancel == mode)
        }
    }

    @Test("the fix of a wrong [audio] type shows the built-in value")
    func audioFix() {
        let error = #expect(throws: SettingsError.self) { try GatewaySettings.parse("[audio]\nchunk_ms = \"100\"\n") }
        #expect(error?.fix == "write chunk_ms = 100 (no quotes, no unit)", "\(String(describing: error))")
    }

    @Test("exit_when_idle_s: whole seconds, 0 … 86400, refused with its line and a fix otherwise")
    func exitWhenIdle() throws {
        #expect(try GatewaySettings.parse("").exitWhenIdle == nil)
        #expect(try GatewaySettings.parse("exit_when_idle_s = 300\n").exitWhenIdle == .seconds(300))
        #expect(try GatewaySettings.parse("exit_when_idle_s = 0\n").exitWhenIdle == .zero)
        let negative = #expect(throws: SettingsError.self) { try GatewaySettings.parse("model = \"m\"\nexit_when_idle_s = -5\n") }
        #expect(negative?.line == 2)
        #expect(negative?.description.contains("0…86400") == true, "\(String(describing: negative))")
        let text = #expect(throws: SettingsError.self) { try GatewaySettings.parse("exit_when_idle_s = \"5m\"\n") }
        #expect(text?.problem == "must be an integer number of seconds, got a string", "\(String(describing: text))")
        #expect(text?.fix == "write exit_when_idle_s = 300 (no quotes, no unit)")
        let misplaced = #expect(throws: SettingsError.self) { try GatewaySettings.parse("[audio]\nexit_when_idle_s = 300\n") }
        #expect(misplaced?.key == "audio.exit_when_idle_s")
    }

    @Test("precedence: the file's settings replace built-in defaults, unset ones keep them")
    func precedence() throws {
        var builtIn = SessionConfiguration()
        builtIn.model = "built-in-model"
        builtIn.voice = "Puck"
        let settings = try GatewaySettings.parse("voice = \"Kore\"\n[vad]\nsilence_duration_ms = 700\n")
        let defaults = settings.sessionDefaults(over: builtIn)
        #expect(defaults.model == "built-in-model")
        #expect(defaults.voice == "Kore")
        #expect(defaults.activityDetection?.silenceDurationMs == 700)
        #expect(defaults.activityDetection?.startOfSpeechSensitivity == nil)
        #expect(GatewaySettings().sessionDefaults(over: builtIn) == builtIn)
    }

    @Test("files: the default path follows XDG_CONFIG_HOME, a missing file is optional unless required, ~ expands")
    func files() throws {
        #expect(GatewaySettings.defaultPath(environment: ["XDG_CONFIG_HOME": "/x"]) == "/x/gemini-live-gateway/config.toml")
        #expect(GatewaySettings.defaultPath(environment: ["HOME": "/h"]) == "/h/.config/gemini-live-gateway/config.toml")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("config.toml").path
        #expect(try GatewaySettings.load(path: path, required: false, environment: [:]) == GatewaySettings())
        #expect(throws: SettingsError.self) { try GatewaySettings.load(path: path, required: true, environment: [:]) }
        try "key_file = \"~/k\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try GatewaySettings.load(path: path, required: true, environment: ["HOME": "/home/u"]).keyFile == "/home/u/k")
    }
}

@Suite("Configuration file: [live]")
struct LiveSettingsTests {
    @Test("the local Live endpoint's settings are read")
    func read() throws {
        let settings = try GatewaySettings.parse(
            """
            [live]
            socket = false
            port = 8765
            tls_cert = "/c.pem"
            tls_key = "/k.pem"
            """)
        #expect(settings.live == .init(socket: false, port: 8765, tlsCertificate: "/c.pem", tlsKey: "/k.pem"))
        #expect(try GatewaySettings.parse("").live == .init())
    }

    @Test("a bad [live] setting names its line, key and fix", arguments: [
        ("[live]\nport = 70000", "live.port", "0…65535"),
        ("[live]\nport = \"8765\"", "live.port", "no quotes"),
        ("[live]\nsocket = 1", "live.socket", "true"),
        ("[live]\ntls_cert = \"/c.pem\"", "live.tls_cert", "both"),
        ("[live]\nprot = 1", "live.prot", "port"),
    ])
    func bad(text: String, key: String, fixMentions: String) {
        do {
            _ = try GatewaySettings.parse(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.key == key, "\(error)")
            #expect(error.line == 2, "\(error)")
            #expect("\(error)".contains(fixMentions), "\(error)")
        }
    }
}

@Suite("examples/config.toml")
struct ExampleConfigurationTests {
    @Test("the shipped example parses and sets what it shows")
    func example() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/config.toml").path
        let settings = try GatewaySettings.load(path: path, required: true, environment: ["HOME": "/home/u"])
        #expect(settings.model == "gemini-3.8-live")
        #expect(settings.keyFile == "/home/u/.config/gemini-live-gateway/api-key")
        #expect(settings.vad.silenceDurationMs == 500)
        #expect(settings.audio == .init(chunkDuration: .milliseconds(100), jitterTargetDepth: .milliseconds(60),
                                        echoCancel: .auto))
    }
}
