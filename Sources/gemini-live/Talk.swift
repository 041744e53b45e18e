import ArgumentParser
import DBusService
import Foundation

/// `gemini-live talk`: a conversation with the default microphone and speakers.
struct Talk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Talk with Gemini: the default microphone in, the voice on the default speakers, a live transcript.",
        discussion: """
            Starts a session bound to this command on the default microphone (or --input NODE) with
            the voice on the default speakers (or --output NODE), prints both sides of the
            conversation as `watch` does, and keeps a status line at the bottom: what the session
            is doing (listening, thinking, speaking, idle), the reply and barge-in latencies and the
            reconnects. Ctrl-C (or q) closes the session: its nodes leave the PipeWire graph.

            Keys (the terminal is in character mode while talk runs and is restored on exit):
              m      mute or unmute the microphone (nothing is sent while muted)
              Space  with --push-to-talk: start talking, press again to send the turn.
            --push-to-talk turns the service's voice-activity detection off: nothing is sent until
            Space, and the model answers when you press Space again. Space because it is the largest
            key, found without looking and pressed with either hand, and the push-to-talk key of most
            voice apps; a toggle, not a hold, because a terminal reports key presses but never key
            releases.
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
    @Option(help: ArgumentHelp("The microphone: a node name from pw-cli ls Node (default: the default microphone).", valueName: "node"))
    var input: String?
    @Option(help: ArgumentHelp("Where the voice plays: a sink's node name (default: the default speakers).", valueName: "node"))
    var output: String?
    @Flag(name: .customLong("push-to-talk"), help: "Talk only while Space has opened the turn (voice-activity detection off).")
    var pushToTalk = false
    @Flag(name: .customLong("no-echo-cancel"), help: "Do not put the echo canceller between the speakers and the microphone.")
    var noEchoCancel = false

    func validate() throws {
        if let input, input.isEmpty { throw ValidationError("--input needs a node name, e.g. alsa_input.pci-0000_00_1f.3.analog-stereo") }
        if let output, output.isEmpty { throw ValidationError("--output needs a node name, e.g. alsa_output.pci-0000_00_1f.3.analog-stereo") }
    }

    /// The StartSession options.
    func options() -> [String: DBusValue] {
        var options: [String: DBusValue] = [
            "audio_input": .variant(.string(input ?? "default-mic")),
            "play_voice": .variant(.boolean(true)),
            "detached": .variant(.boolean(false)),
        ]
        if let output { options["voice_output"] = .variant(.string(output)) }
        if let model { options["model"] = .variant(.string(model)) }
        if let voice { options["voice"] = .variant(.string(voice)) }
        if let language { options["language"] = .variant(.string(language)) }
        if let systemInstruction { options["system_instruction"] = .variant(.string(systemInstruction)) }
        if pushToTalk {
            options["vad"] = .variant(.dictionary(key: .string, value: .variant, [.string("disabled"): .variant(.boolean(true))]))
        }
        if noEchoCancel { options["echo_cancel"] = .variant(.string("off")) }
        return options
    }

    func run() async throws {
        try await TalkController.converse(
            bus: bus, options: options(), pushToTalk: pushToTalk, microphone: input ?? "the default microphone")
    }
}

/// Runs one `talk` conversation: renders the session's signals, keeps the status line, and turns
/// keys into StartActivity / EndActivity / Muted.
actor TalkController {
    let client: GatewayClient
    let session: String
    let pushToTalk: Bool
    /// What the header names as the input.
    let microphone: String
    let statusLine: StatusLine
    private var status = TalkStatus()
    private var closed = false
    private let renderer = TranscriptRenderer(json: false, style: TextStyle(enabled: Terminal.usesColour))
    private var subscriptions: [SignalSubscription] = []
    private var gatewayWatch: NameOwnerWatch?

    /// What the header says the session does, e.g. "talking with" (the model's id follows).
    let activity: String

    init(
        client: GatewayClient, session: String, pushToTalk: Bool, microphone: String, status: StatusLine,
        activity: String = "talking with"
    ) {
        self.client = client
        self.activity = activity
        self.microphone = microphone
        self.session = session
        self.pushToTalk = pushToTalk
        statusLine = status
        self.status.pushToTalk = pushToTalk
    }

    /// Subscribes, checks the session has audio, prints the header and the first status.
    func prepare() async throws {
        let path = try GatewayClient.objectPath(session)
        let properties: [String: DBusValue]
        do throws(DBusError) {
            subscriptions.append(try await client.connection.subscribe(
                to: DBusMatchRule(sender: GatewayClient.busName, path: path, interface: GatewayClient.sessionInterface)))
            subscriptions.append(try await client.connection.subscribe(
                to: DBusMatchRule(
                    sender: GatewayClient.busName, path: path, interface: "org.freedesktop.DBus.Properties",
                    member: "PropertiesChanged")))
            gatewayWatch = try await client.connection.watchNameOwner(GatewayClient.busName)
            properties = try await client.properties(session, GatewayClient.sessionInterface)
        } catch {
            throw CLIFailure(error, doing: "Subscribing to \(session)")
        }
        if properties["AudioState"]?.as(String.self) == "off" {
            throw CLIFailure(
                "The gateway runs without audio (--no-audio), so talk has no microphone or speakers; restart the gateway without --no-audio.")
        }
        if pushToTalk {
            try await client.setProperty(session, GatewayClient.sessionInterface, "Muted", .boolean(true), action: "Muting until Space")
            status.muted = true
        }
        status.apply(properties)
        let model = properties["Model"]?.as(String.self) ?? ""
        let header = "── \(activity) \(model) on \(session), hearing \(microphone); Ctrl-C ends"
        Terminal.write(renderer.styled { $0.dim(header) } + "\n")
        statusLine.install()
        statusLine.show(status.line)
    }

    /// Starts a session bound to this command with `options`, converses in the terminal until
    /// it ends, and closes the session whatever happened: `talk` and `translate`.
    static func converse(
        bus: BusOptions, options: [String: DBusValue], pushToTalk: Bool, microphone: String,
        activity: String = "talking with"
    ) async throws {
        let client = try await bus.connect()
        let terminal = RawTerminal()
        let status = StatusLine()
        defer {
            status.remove()
            terminal.restore()
        }
        let signals = RawTerminal.endingSignals()
        let reply = try await client.call(
            GatewayClient.managerPath, GatewayClient.managerInterface, "StartSession",
            [.dictionary(key: .string, value: .variant, Dictionary(uniqueKeysWithValues: options.map { (.string($0), $1) }))],
            action: "StartSession")
        guard case .objectPath(let objectPath)? = reply.first else { throw CLIFailure("StartSession returned \(reply)") }
        let controller = TalkController(
            client: client, session: objectPath.rawValue, pushToTalk: pushToTalk, microphone: microphone,
            status: status, activity: activity)
        do {
            try await controller.run(keys: terminal.isRaw ? RawTerminal.keys() : nil, signals: signals)
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }

    /// Prepares, converses until the end, and closes the session whatever happened.
    func run(keys: AsyncStream<UInt8>?, signals: AsyncStream<Int32>) async throws {
        do {
            try await prepare()
            try await converse(keys: keys, signals: signals)
        } catch {
            await close()
            throw error
        }
        await close()
    }

    /// What ended the conversation.
    private enum Ending: Sendable {
        case closed
        case interrupted
        case gatewayLeft
    }

    /// Runs until the session closes, an ending signal arrives, `q`, or the gateway leaves.
    func converse(keys: AsyncStream<UInt8>?, signals: AsyncStream<Int32>) async throws {
        let sessionSignals = subscriptions[0].signals
        let propertyChanges = subscriptions[1].signals
        let watch = gatewayWatch
        let ending = await withTaskGroup(of: Ending?.self) { group in
            group.addTask {
                var assembler = TranscriptAssembler(currentTurn: nil)
                for await signal in sessionSignals {
                    let readers = signal.arguments.map(DBusValueReader.init)
                    guard let event = TranscriptEvent(member: signal.member, arguments: readers) else { continue }
                    for shown in assembler.accept(event) {
                        await self.show(shown)
                        if case .closed = shown { return .closed }
                    }
                }
                return nil
            }
            group.addTask {
                for await signal in propertyChanges {
                    guard signal.arguments.count >= 2, case .dictionary(_, _, let entries) = signal.arguments[1] else { continue }
                    var changed: [String: DBusValue] = [:]
                    for (key, value) in entries {
                        if case .string(let name) = key { changed[name] = value }
                    }
                    await self.apply(changed)
                }
                return nil
            }
            if let keys {
                group.addTask {
                    for await key in keys {
                        if await self.press(key) { return .interrupted }
                    }
                    return nil
                }
            }
            group.addTask {
                for await _ in signals { return .interrupted }
                return nil
            }
            if let watch {
                group.addTask {
                    for await change in watch.changes where change.vanished { return .gatewayLeft }
                    return nil
                }
            }
            var first: Ending?
            while let next = await group.next() {
                if let next {
                    first = next
                    break
                }
            }
            group.cancelAll()
            return first
        }
        renderer.finish()
        switch ending {
        case .closed?:
            closed = true
        case .gatewayLeft?, nil:
            closed = true
            throw CLIFailure("The gateway left the bus; the session is gone.")
        case .interrupted?:
            break
        }
    }

    private func show(_ event: TranscriptEvent) {
        renderer.show(event)
        if case .closed = event { closed = true }
    }

    private func apply(_ properties: [String: DBusValue]) {
        status.apply(properties)
        statusLine.show(status.line)
    }

    /// Handles a key; returns true for q (quit).
    private func press(_ key: UInt8) async -> Bool {
        switch key {
        case UInt8(ascii: "q"), UInt8(ascii: "Q"):
            return true
        case UInt8(ascii: " ") where pushToTalk:
            await toggleTalking()
        case UInt8(ascii: "m"), UInt8(ascii: "M"):
            guard !pushToTalk else { return false }
            await setMuted(!status.muted)
        default:
            break
        }
        return false
    }

    /// Push-to-talk: opens the turn (unmute, then activityStart) or sends it (mute, then activityEnd),
    /// so that only what is said in between leaves the session.
    private func toggleTalking() async {
        do {
            if status.talking {
                status.talking = false
                try await client.setProperty(session, GatewayClient.sessionInterface, "Muted", .boolean(true), action: "Muting")
                _ = try await client.call(session, GatewayClient.sessionInterface, "EndActivity", action: "EndActivity")
            } else {
                status.talking = true
                _ = try await client.call(session, GatewayClient.sessionInterface, "StartActivity", action: "StartActivity")
                try await client.setProperty(session, GatewayClient.sessionInterface, "Muted", .boolean(false), action: "Unmuting")
            }
        } catch {
            renderer.note("gemini-live: \(error)")
        }
        statusLine.show(status.line)
    }

    private func setMuted(_ muted: Bool) async {
        do {
            try await client.setProperty(
                session, GatewayClient.sessionInterface, "Muted", .boolean(muted), action: muted ? "Muting" : "Unmuting")
            status.muted = muted
        } catch {
            renderer.note("gemini-live: \(error)")
        }
        statusLine.show(status.line)
    }

    /// Closes the session (unless it closed by itself) and ends the subscriptions.
    func close() async {
        if !closed {
            closed = true
            do {
                _ = try await client.callRaw(session, GatewayClient.sessionInterface, "Close")
            } catch {
                // Already gone (it closed while we were stopping): nothing left to close.
            }
        }
        for subscription in subscriptions { subscription.cancel() }
        subscriptions = []
        gatewayWatch?.cancel()
        gatewayWatch = nil
        statusLine.remove()
        let summary = "── session closed · reply \(status.response.text) · barge-in \(status.bargeIn.text) · reconnects \(status.reconnects)"
        Terminal.write(renderer.styled { $0.dim(summary) } + "\n")
    }
}
