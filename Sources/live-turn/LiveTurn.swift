import ArgumentParser
import Foundation
import LiveClient
import LiveProtocol
import Logging

/// `live-turn`: one conversation turn against a Live endpoint (the real service or a simulator),
/// printing every event. The smallest end-to-end check of a key, an endpoint and a model.
@main
struct LiveTurn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live-turn",
        abstract: "Send one text turn (and optionally one audio turn) to a Gemini Live endpoint and print the events.",
        discussion: """
            The API key comes from the GEMINI_API_KEY environment variable, never from the command line.
            Without --endpoint the real service is used; point it at a simulator with
            --endpoint ws://127.0.0.1:PORT (or wss:// with --ca-file).
            """)

    @Argument(help: "The user's text.")
    var text: String = "Hello, can you hear me?"

    @Option(help: "Base URL of a Live-compatible endpoint, e.g. ws://127.0.0.1:8765.")
    var endpoint: String?

    @Option(help: "Model id.")
    var model: String = LiveModel.defaultID

    @Option(name: .customLong("api-version"), help: "API version: v1beta or v1alpha (the Gemini API does not serve Live on v1; a custom endpoint may use any).")
    var apiVersion: String = "v1beta"

    @Option(name: .customLong("ca-file"), help: "An extra CA certificate (PEM) to trust, for a local TLS simulator.")
    var caFile: String?

    @Option(help: "A 16 kHz mono 16-bit WAV file to send as an audio turn after the text turn.")
    var audio: String?

    @Option(name: .customLong("save-audio"), help: "Write the model's audio (24 kHz mono) to this WAV file.")
    var saveAudio: String?

    @Option(help: "Seconds to wait for each turn to complete.")
    var timeout: Double = 30

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "live-turn")
        logger.logLevel = .notice
        let key = ProcessInfo.processInfo.environment["GEMINI_API_KEY"].flatMap { $0.isEmpty ? nil : Secret($0) }
        if endpoint == nil && key == nil {
            throw ValidationError(
                "No API key: set GEMINI_API_KEY, or use --endpoint ws://127.0.0.1:PORT with a running gemini-live-simulator.")
        }
        let liveEndpoint = LiveEndpoint(
            service: .geminiAPI, baseURL: endpoint, apiVersion: apiVersion,
            credential: key.map(Credential.apiKey) ?? .none)
        var configuration = LiveClientConfiguration(endpoint: liveEndpoint)
        configuration.additionalTrustRoots = caFile.map { [$0] } ?? []
        let setup = SessionConfiguration(model: model).setup(for: liveEndpoint)
        let pcm = try audio.map(WAVFile.readPCM16kMono)
        let turnTimeout = timeout

        print("connecting to \(liveEndpoint.url)")
        do {
            let outcome = try await LiveClient.withConnection(
                setup: setup, configuration: configuration, logger: logger
            ) { connection in
                print("setupComplete")
                var printer = TurnPrinter()
                var iterator = connection.events.makeAsyncIterator()
                print("> \(text)")
                try await connection.sendText(text)
                try await printer.readTurn(from: &iterator, timeout: turnTimeout)
                if let pcm {
                    print("> (audio, \(String(format: "%.2f", Double(pcm.count) / 32000)) s)")
                    for chunk in stride(from: 0, to: pcm.count, by: 3200) {
                        try await connection.sendAudio(pcm.subdata(in: chunk..<min(chunk + 3200, pcm.count)))
                    }
                    try await connection.sendAudio(Data(count: 32000))
                    try await connection.send(.realtimeInput(RealtimeInput(audioStreamEnd: true)))
                    try await printer.readTurn(from: &iterator, timeout: turnTimeout)
                }
                await connection.close()
                return printer.audio
            }
            if let saveAudio {
                try WAVFile.write(pcm: outcome.value, sampleRate: 24000, to: saveAudio)
                print("saved \(outcome.value.count / 2) samples to \(saveAudio)")
            }
            print("closed: \(outcome.close)")
        } catch let error as LiveClientError {
            print("error: \(error)")
            throw ExitCode.failure
        }
    }
}

/// Prints one model turn (one request, however many utterances it takes) as its events arrive.
struct TurnPrinter {
    var audio = Data()

    mutating func readTurn(from iterator: inout LiveEventSequence.Iterator, timeout: Double) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        var turnAudio = 0
        while let event = try await iterator.next() {
            switch event {
            case .malformedFrame(let frame):
                print("  ! \(frame)")
            case .voiceQueued:
                break
            case .message(let message):
                if let content = message.serverContent {
                    if let text = content.inputTranscription?.text { print("  you: \(text)") }
                    if let text = content.outputTranscription?.text { print("  model: \(text)") }
                    for part in content.modelTurn?.parts ?? [] {
                        if let data = part.inlineData?.data {
                            audio.append(data)
                            turnAudio += data.count
                        }
                        if let text = part.text { print("  model (text): \(text)") }
                    }
                    if content.interrupted == true { print("  [interrupted]") }
                    if content.generationComplete == true { print("  [generation complete]") }
                    // One request may be several utterances (extended thinking: a filler with
                    // IN_PROGRESS, then the answer with IDLE); wait for the request's end.
                    if content.turnComplete == true {
                        let usage = message.usageMetadata.map { " tokens: \($0.totalTokenCount ?? 0)" } ?? ""
                        let status = content.interactionStatus.map { " status: \($0.rawValue)" } ?? ""
                        let label = content.completesRequest ? "turn complete" : "utterance complete"
                        print(
                            "  [\(label)] audio: \(String(format: "%.2f", Double(turnAudio) / 48000)) s\(usage)\(status)")
                        if content.completesRequest { return }
                    }
                }
                if let call = message.toolCall { print("  tool call: \(call.functionCalls.map(\.name))") }
                if let goAway = message.goAway { print("  goAway, time left \(goAway.timeLeft?.description ?? "?")") }
            }
            if ContinuousClock.now > deadline {
                print("  (no turnComplete within \(timeout) s)")
                return
            }
        }
    }
}
