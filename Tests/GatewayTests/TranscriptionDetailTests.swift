import BusTestSupport
import Foundation
import LiveProtocol
import LiveSimulator
import Testing

/// The `transcription` option and the `TranscriptionDetail` signal, end to end: speech played into
/// a session's sink, the simulator transcribing it as the setup asked (language, speaker, words).
@Suite("Transcription details on D-Bus")
struct TranscriptionDetailTests {
    typealias G = GatewayHarness
    typealias A = AudioSessionTests

    @Test("transcription {languages, diarization, word_timestamps}: TranscriptionDetail carries language, speaker and words, with its fragment's sequence")
    func detailsOfSpeech() async throws {
        try await A.withAudioGateway { desktop, gateway in
            let (wav, _) = try A.speech("Captions need to know who spoke.", in: desktop, name: "captions")
            let monitor = try await gateway.monitorSignals()
            let session = try await A.startSession(gateway, desktop, options: [
                "2", "detached", "b", "true",
                "transcription", "a{sv}", "3", "languages", "as", "1", "de-DE", "diarization", "b", "true",
                "word_timestamps", "b", "true",
            ])
            let first = gateway.simulator.recorder.connection(1)?.clientMessages.first
            guard case .setup(let setup)? = first else {
                Issue.record("the first message is not the setup: \(String(describing: first))")
                return
            }
            #expect(setup.inputAudioTranscription?.diarization == true)
            #expect(setup.inputAudioTranscription?.wordTimestamp == true)
            #expect(setup.inputAudioTranscription?.languageCodes == ["de-DE"])
            let player = try desktop.start("/usr/bin/pw-cat", ["--playback", "--target", session.input, wav])
            await Tool.waitForExit(player)
            let detailed = await eventually(timeout: .seconds(30)) {
                !MonitorLog(monitor.stdout).signals(G.sessionInterface, "TranscriptionDetail", path: session.path).isEmpty
            }
            #expect(detailed, "\(gateway.logs.text)")
            let log = MonitorLog(monitor.stdout)
            let detail = try #require(log.signals(G.sessionInterface, "TranscriptionDetail", path: session.path).first)
            let fragment = try #require(log.signals(G.sessionInterface, "InputTranscription", path: session.path).first)
            #expect(detail.values("uint64") == fragment.values("uint64"), "the same turn and sequence")
            let strings = detail.values("string")
            #expect(strings.first == "input")
            #expect(strings.dropFirst().first == fragment.values("string").first, "the fragment's text")
            for key in ["language_code", "speaker_label", "words", "start_offset", "end_offset", "finished"] {
                #expect(strings.contains(key), "\(key) in \(detail.lines)")
            }
            // Values inside a variant print as `variant             string "…"`.
            let variants = detail.lines.filter { $0.hasPrefix("variant") }.map { $0.split(separator: " ").joined(separator: " ") }
            #expect(variants.contains(#"variant string "de-DE""#) && variants.contains(#"variant string "spk_1""#), "\(variants)")
            #expect(strings.contains { $0.hasSuffix("s") && $0.first?.isNumber == true }, "Duration text offsets: \(strings)")
            try await gateway.call(session.path, G.sessionInterface, "Close")
            _ = await monitor.stop()
        }
    }

    @Test("a bad transcription option is a named InvalidArgs error", arguments: [
        ("{'transcription': <{'speakers': <true>}>}", "speakers; known: diarization"),
        ("{'transcription': <{'mode': <'smart'>, 'diarization': <true>}>}", "documents them as incompatible"),
        ("{'transcription': <{'mode': <'loud'>}>}", "transcription.mode must be"),
        ("{'transcription': <{'languages': <['German']>}>}", "is not a BCP-47 language tag"),
        ("{'input_transcription': <false>, 'transcription': <{'diarization': <true>}>}", "turns off: drop one of them"),
    ])
    func badOptions(_ options: String, message: String) async throws {
        try await G.with { gateway in
            let result = try await gateway.gdbus(G.manager, G.managerInterface, "StartSession", options)
            #expect(result.status != 0)
            #expect(result.stderr.contains("InvalidArgs") && result.stderr.contains(message), "\(result.stderr)")
        }
    }
}
