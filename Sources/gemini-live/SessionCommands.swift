import ArgumentParser
import DBusService
import Foundation

/// `gemini-live say TEXT`: SendText, then the reply.
struct Say: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a complete user turn of text (SendText) and print the reply.",
        discussion: """
            Prints the reply as it arrives: its text (TEXT sessions) or the transcript of its voice
            (AUDIO sessions with output transcription, the default), and exits when the turn ends
            (TurnComplete of the turn it started). A reply cut short (Interrupted) ends with exit 0
            too. Exits 1 when the session closes first or no reply ends within --timeout seconds.
            --no-wait sends the text and returns at once. --json prints {"turn", "reply", "reason"}.
            """)

    @OptionGroup var bus: BusOptions
    @OptionGroup var target: SessionOption

    @Flag(name: .customLong("no-wait"), help: "Send the text and return without waiting for the reply.")
    var noWait = false

    @Flag(help: "Print the reply as one JSON object.")
    var json = false

    @Argument(help: "The message; several words are joined with spaces.")
    var words: [String]

    func validate() throws {
        guard !words.joined().isEmpty else { throw ValidationError("Give the text to say, e.g. gemini-live say Hello") }
    }

    func run() async throws {
        let text = words.joined(separator: " ")
        let noWait = noWait
        let json = json
        let timeout = bus.timeout
        let target = target
        let client = try await bus.connect()
        do {
            try await Self.say(text, client: client, target: target.session, noWait: noWait, json: json, timeout: timeout)
            await client.close()
        } catch {
            await client.close()
            throw error
        }
    }

    private static func say(
        _ text: String, client: GatewayClient, target: String?, noWait: Bool, json: Bool, timeout: Double
    ) async throws {
        let session = try await client.resolveSession(target)
        if noWait {
            try await send(text, to: session, client)
            return
        }
        let waiter = try await ReplyWaiter.subscribe(client, session: session)
        defer { waiter.cancel() }
        try await send(text, to: session, client)
        let print: @Sendable (String) -> Void = { piece in Terminal.write(piece) }
        let streaming: (@Sendable (String) -> Void)? = json ? nil : print
        let outcome = try await waiter.wait(timeout: timeout, streaming: streaming)
        try report(outcome, json: json)
    }

    private static func send(_ text: String, to session: String, _ client: GatewayClient) async throws {
        _ = try await client.call(
            session, GatewayClient.sessionInterface, "SendText", [.string(text)], action: "SendText to \(session)")
    }

    private static func report(_ outcome: ReplyWaiter.Outcome, json: Bool) throws {
        if json {
            let object: [String: JSONValueText] = [
                "turn": .number(Double(outcome.turn)), "reply": .string(outcome.text), "reason": .string(outcome.reason),
            ]
            try Terminal.printJSON(object)
        } else if !outcome.text.isEmpty {
            Terminal.write("\n")
        } else {
            Terminal.standardError(
                "gemini-live: the reply had no text; in an AUDIO session start it without --no-output-transcription to see what the voice says.")
        }
    }
}

/// Follows one session's signals for the reply to the turn being started.
struct ReplyWaiter: Sendable {
    /// How the turn ended.
    struct Outcome: Sendable {
        var turn: UInt64
        var text: String
        /// TurnComplete's reason, or "interrupted".
        var reason: String
    }

    let subscription: SignalSubscription
    let gatewayWatch: NameOwnerWatch
    /// The turn the reply belongs to: the session's `Turn` when the text was sent.
    let turn: UInt64

    /// Subscribes to `session` (before the turn is started, so nothing is missed) and reads its turn.
    static func subscribe(_ client: GatewayClient, session: String) async throws -> ReplyWaiter {
        let path = try GatewayClient.objectPath(session)
        do throws(DBusError) {
            let subscription = try await client.connection.subscribe(
                to: DBusMatchRule(sender: GatewayClient.busName, path: path, interface: GatewayClient.sessionInterface))
            let gatewayWatch = try await client.connection.watchNameOwner(GatewayClient.busName)
            let turn = try await client.property(session, GatewayClient.sessionInterface, "Turn").as(UInt64.self) ?? 0
            return ReplyWaiter(subscription: subscription, gatewayWatch: gatewayWatch, turn: turn)
        } catch {
            throw CLIFailure(error, doing: "Subscribing to \(session)")
        }
    }

    func cancel() {
        subscription.cancel()
        gatewayWatch.cancel()
    }

    /// Collects the reply of ``turn`` (text, or the voice's transcript) until its TurnComplete,
    /// passing each piece to `streaming` in order as it can be shown.
    func wait(timeout: Double, streaming: (@Sendable (String) -> Void)?) async throws -> Outcome {
        let turn = self.turn
        let subscription = self.subscription
        let gatewayWatch = self.gatewayWatch
        let result = await withTaskGroup(of: Result<Outcome, CLIFailure>?.self) { group in
            group.addTask {
                var assembler = TranscriptAssembler(currentTurn: nil)
                var text = ""
                for await signal in subscription.signals {
                    let readers = signal.arguments.map(DBusValueReader.init)
                    guard let event = TranscriptEvent(member: signal.member, arguments: readers) else { continue }
                    for shown in assembler.accept(event) {
                        switch shown {
                        case .fragment(let fragmentTurn, _, let speaker, let piece) where fragmentTurn >= turn && speaker != .user:
                            text += piece
                            streaming?(piece)
                        case .turnComplete(let ended, let reason) where ended >= turn:
                            return .success(Outcome(turn: ended, text: text, reason: reason))
                        case .closed(_, _, let explanation):
                            return .failure(CLIFailure("The session closed before the reply ended: \(explanation)"))
                        default:
                            break
                        }
                    }
                }
                return nil
            }
            group.addTask {
                for await change in gatewayWatch.changes where change.vanished {
                    return .failure(CLIFailure("The gateway left the bus before the reply ended; its sessions are gone."))
                }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
                return Task.isCancelled ? nil : .failure(
                    CLIFailure("No reply ended within \(Int(timeout)) s; pass a longer --timeout, or --no-wait to return at once."))
            }
            var first: Result<Outcome, CLIFailure>?
            while let next = await group.next() {
                if let next {
                    first = next
                    break
                }
            }
            group.cancelAll()
            return first
        }
        switch result {
        case .success(let outcome)?: return outcome
        case .failure(let failure)?: throw failure
        case nil: throw CLIFailure("The gateway's signals ended before the reply did.")
        }
    }
}

/// `gemini-live interrupt`: Interrupt.
struct Interrupt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop the model's current reply (Interrupt).")

    @OptionGroup var bus: BusOptions
    @OptionGroup var target: SessionOption

    func run() async throws {
        try await bus.withClient { client in
            let session = try await client.resolveSession(target.session)
            _ = try await client.call(session, GatewayClient.sessionInterface, "Interrupt", action: "Interrupt \(session)")
        }
    }
}

/// `gemini-live mute` / `unmute`: the session's Muted property.
struct Mute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop sending the session's input audio (Muted = true); the input node keeps draining.",
        discussion: "What is captured while muted is not sent and is counted in the session's AudioMutedSeconds.")

    @OptionGroup var bus: BusOptions
    @OptionGroup var target: SessionOption

    func run() async throws {
        try await Self.setMuted(true, bus: bus, target: target)
    }

    static func setMuted(_ muted: Bool, bus: BusOptions, target: SessionOption) async throws {
        try await bus.withClient { client in
            let session = try await client.resolveSession(target.session)
            try await client.setProperty(
                session, GatewayClient.sessionInterface, "Muted", .boolean(muted),
                action: "\(muted ? "Muting" : "Unmuting") \(session)")
        }
    }
}

/// `gemini-live unmute`.
struct Unmute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Send the session's input audio again (Muted = false).")

    @OptionGroup var bus: BusOptions
    @OptionGroup var target: SessionOption

    func run() async throws {
        try await Mute.setMuted(false, bus: bus, target: target)
    }
}

/// `gemini-live close`: Close.
struct Close: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Close a session (Close).")

    @OptionGroup var bus: BusOptions
    @OptionGroup var target: SessionOption

    func run() async throws {
        try await bus.withClient { client in
            let session = try await client.resolveSession(target.session)
            _ = try await client.call(session, GatewayClient.sessionInterface, "Close", action: "Close \(session)")
        }
    }
}
