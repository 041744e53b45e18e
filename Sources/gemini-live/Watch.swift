import ArgumentParser
import DBusService
import Foundation

/// `gemini-live watch`: a live transcript of one session.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a session's live transcript: who speaks, turn by turn.",
        discussion: """
            Fragments are put in (turn, sequence) order; interruptions, tool calls and the session's end
            (Closed, with its explanation) are marked. It ends when the session closes (exit 0), after
            --turns completed turns, or with exit 1 when the gateway leaves the bus. Colour is used only
            when stdout is a terminal and NO_COLOR is unset. --json prints one JSON object per event.
            """)

    @OptionGroup var bus: BusOptions
    @OptionGroup var target: SessionOption

    @Option(help: "Stop after this many turns have completed.")
    var turns: Int?

    @Flag(help: "Print one JSON object per line for each event.")
    var json = false

    func validate() throws {
        if let turns, turns < 1 { throw ValidationError("--turns must be at least 1") }
    }

    func run() async throws {
        try await bus.withClient { client in
            let session = try await client.resolveSession(target.session)
            let path = try GatewayClient.objectPath(session)
            let subscription: SignalSubscription
            let gatewayWatch: NameOwnerWatch
            do throws(DBusError) {
                subscription = try await client.connection.subscribe(
                    to: DBusMatchRule(sender: GatewayClient.busName, path: path, interface: GatewayClient.sessionInterface))
                gatewayWatch = try await client.connection.watchNameOwner(GatewayClient.busName)
            } catch {
                throw CLIFailure(error, doing: "Subscribing to \(session)")
            }
            defer {
                subscription.cancel()
                gatewayWatch.cancel()
            }
            // Subscribed first, then read: nothing between the two is missed.
            let state: DBusValue
            let turn: DBusValue
            do throws(DBusError) {
                state = try await client.property(session, GatewayClient.sessionInterface, "State")
                turn = try await client.property(session, GatewayClient.sessionInterface, "Turn")
            } catch {
                throw CLIFailure(error, doing: "Reading \(session)")
            }
            let renderer = TranscriptRenderer(json: json, style: TextStyle(enabled: !json && Terminal.usesColour))
            renderer.header(session: session, state: state.as(String.self) ?? "", turn: turn.as(UInt64.self) ?? 0)
            Terminal.standardError("gemini-live: watching \(session)")
            try await follow(
                subscription: subscription, gatewayWatch: gatewayWatch, currentTurn: turn.as(UInt64.self),
                renderer: renderer)
        }
    }

    /// What ended the watch.
    private enum Ending: Sendable {
        case closed
        case turns
        case gatewayLeft
    }

    private func follow(
        subscription: SignalSubscription, gatewayWatch: NameOwnerWatch, currentTurn: UInt64?,
        renderer: TranscriptRenderer
    ) async throws {
        let turnLimit = turns
        let ending = await withTaskGroup(of: Ending?.self) { group in
            group.addTask {
                var assembler = TranscriptAssembler(currentTurn: currentTurn)
                var completed = 0
                for await signal in subscription.signals {
                    let readers = signal.arguments.map(DBusValueReader.init)
                    guard let event = TranscriptEvent(member: signal.member, arguments: readers) else { continue }
                    for shown in assembler.accept(event) {
                        renderer.show(shown)
                        switch shown {
                        case .closed: return .closed
                        case .turnComplete:
                            completed += 1
                            if let turnLimit, completed >= turnLimit { return .turns }
                        default: break
                        }
                    }
                }
                return nil
            }
            group.addTask {
                for await change in gatewayWatch.changes where change.vanished { return .gatewayLeft }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        renderer.finish()
        if ending == .gatewayLeft || ending == nil {
            throw CLIFailure("The gateway left the bus while watching; its sessions are gone.")
        }
    }
}

/// Prints transcript events: a line per speaker and turn, fragments appended as they arrive.
final class TranscriptRenderer: @unchecked Sendable {
    private let json: Bool
    private let style: TextStyle
    private var openLine: (turn: UInt64, speaker: Speaker)?

    init(json: Bool, style: TextStyle) {
        self.json = json
        self.style = style
    }

    func header(session: String, state: String, turn: UInt64) {
        if json {
            emit(["event": .string("session"), "path": .string(session), "state": .string(state), "turn": .number(Double(turn))])
        } else {
            Terminal.write(style.dim("── \(session) (\(state), turn \(turn))") + "\n")
        }
    }

    func show(_ event: TranscriptEvent) {
        if json { return emit(event.json) }
        switch event {
        case .fragment(let turn, _, let speaker, let text):
            if let line = openLine, line.turn == turn, line.speaker == speaker {
                Terminal.write(text)
            } else {
                endLine()
                Terminal.write(label(speaker, turn: turn) + text)
                openLine = (turn, speaker)
            }
        case .interrupted(let turn):
            line(style.yellow("   ⏹ interrupted (turn \(turn))"))
        case .generationComplete:
            break
        case .turnComplete(let turn, let reason):
            line(style.dim("   ✓ turn \(turn) complete" + (reason.isEmpty ? "" : " (\(reason))")))
        case .toolCall(let id, let name, let arguments):
            line(style.magenta("   ⚙ tool call \(name)(\(arguments))") + style.dim(" id \(id)"))
        case .toolCallCancellation(let ids):
            line(style.magenta("   ⚙ tool calls cancelled: \(ids.joined(separator: ", "))"))
        case .goAway(let timeLeft):
            line(style.dim("   ↻ the service ends this connection in \(Int(timeLeft)) s; the gateway moves the session"))
        case .closed(let code, let reason, let explanation):
            let heading = "── closed \(code)" + (reason.isEmpty ? "" : " \"\(reason)\"")
            line((code == 1000 ? style.dim(heading) : style.red(heading)) + (explanation.isEmpty ? "" : ": \(explanation)"))
        }
    }

    func finish() {
        endLine()
    }

    /// `text` in the renderer's style (plain without colour).
    func styled(_ text: (TextStyle) -> String) -> String {
        text(style)
    }

    /// A line of its own between the transcript's lines (e.g. an error while talking).
    func note(_ text: String) {
        line(style.red(text))
    }

    private func label(_ speaker: Speaker, turn: UInt64) -> String {
        switch speaker {
        case .user: style.bold(style.cyan("you")) + style.dim(" [\(turn)] ")
        case .model: style.bold(style.green("gemini")) + style.dim(" [\(turn)] ")
        case .text: style.bold(style.blue("gemini (text)")) + style.dim(" [\(turn)] ")
        }
    }

    private func line(_ text: String) {
        endLine()
        Terminal.write(text + "\n")
    }

    private func endLine() {
        if openLine != nil { Terminal.write("\n") }
        openLine = nil
    }

    private func emit(_ object: [String: JSONValueText]) {
        try? Terminal.printJSON(object)
    }
}

extension TranscriptEvent {
    /// The event as one JSON object for `watch --json`.
    var json: [String: JSONValueText] {
        switch self {
        case .fragment(let turn, let sequence, let speaker, let text):
            ["event": .string(speaker == .user ? "input" : speaker == .model ? "output" : "text"),
             "turn": .number(Double(turn)), "sequence": .number(Double(sequence)), "text": .string(text)]
        case .interrupted(let turn): ["event": .string("interrupted"), "turn": .number(Double(turn))]
        case .generationComplete(let turn): ["event": .string("generation_complete"), "turn": .number(Double(turn))]
        case .turnComplete(let turn, let reason):
            ["event": .string("turn_complete"), "turn": .number(Double(turn)), "reason": .string(reason)]
        case .toolCall(let id, let name, let arguments):
            ["event": .string("tool_call"), "id": .string(id), "name": .string(name), "arguments": .string(arguments)]
        case .toolCallCancellation(let ids):
            ["event": .string("tool_call_cancellation"), "ids": .array(ids.map(JSONValueText.string))]
        case .goAway(let timeLeft): ["event": .string("go_away"), "time_left": .number(timeLeft)]
        case .closed(let code, let reason, let explanation):
            ["event": .string("closed"), "code": .number(Double(code)), "reason": .string(reason),
             "explanation": .string(explanation)]
        }
    }
}
