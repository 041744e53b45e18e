import AudioNodes
import DBusService
import Foundation
import LiveProtocol

extension LiveSession {
    // MARK: Echo cancellation

    /// The names of the echo and level properties.
    static let echoPropertyNames = [
        "EchoCancel", "EchoCancelReason", "EchoGuardSeconds", "EchoTranscriptsSuppressed", "InputLevel", "OutputLevel",
    ]

    /// What the gateway decided for the session's microphone (each time its nodes are made).
    func setEchoCancel(_ decision: EchoCancelDecision) async {
        if decision.enabled { echoGuard.arm() }
        guard audio.echoCancel != decision else { return }
        audio.echoCancel = decision
        emit(.propertiesChanged(["EchoCancel", "EchoCancelReason"]))
    }

    /// The second line of defence: whether an input transcription fragment is the user's words
    /// rather than the model's voice heard back through a microphone (see
    /// ``EchoTranscriptFilter``). Sessions on their own virtual sink hear no room: always true.
    /// A fragment held back is counted in `EchoTranscriptsSuppressed`.
    func admitsInputTranscription(_ text: String) async -> Bool {
        guard audioConfiguration?.capturesInput == true, audioConfiguration?.input.source != .virtualSink else {
            return true
        }
        let playsFor = voice.voicePlaysUntil - AudioClock.nanoseconds()
        if voice.voicePlaysUntil > 0 { audio.echoFilter.voicePlays(until: .now + .nanoseconds(playsFor)) }
        guard audio.echoFilter.admits(text, now: .now) else {
            audio.echoTranscriptsSuppressed += 1
            emit(.propertiesChanged(["EchoTranscriptsSuppressed"]))
            return false
        }
        return true
    }

    /// Whether an event the conversation emits goes out: input transcription that repeats the
    /// model's own words while its voice plays does not; output transcription is remembered.
    func passesEchoFilter(_ event: SessionEvent) async -> Bool {
        switch event {
        case .inputTranscription(_, let sequence, let text, _):
            let admitted = await admitsInputTranscription(text)
            if !admitted { audio.echoSuppressedSequence = sequence }
            return admitted
        case .transcriptionDetail(_, let sequence, .input, _):
            // The details of a fragment held back as echo are held back with it.
            return audio.echoSuppressedSequence != sequence
        case .transcriptionDetail(_, _, .interim, let transcription):
            return await admitsInputTranscription(transcription.text ?? "")
        case .outputTranscription(_, _, let text, _):
            rememberOutputTranscription(text)
            return true
        default:
            return true
        }
    }

    /// The model's output transcription, remembered to recognise it coming back.
    func rememberOutputTranscription(_ text: String) {
        audio.echoFilter.heardOutput(text, now: .now)
    }

    /// The chunk as it is sent: silence of the same length while a fresh canceller converges
    /// (see ``EchoConvergenceGuard``), counted in `EchoGuardSeconds`.
    func guarded(_ chunk: AudioChunk) -> AudioChunk {
        let duration = Duration.milliseconds(chunk.sampleCount * 1000 / 16_000)
        guard echoGuard.silences(capturedAt: chunk.capturedAt, duration: duration) else { return chunk }
        audio.samplesGuarded += chunk.sampleCount
        return AudioChunk(bytes: Data(count: chunk.bytes.count), capturedAt: chunk.capturedAt)
    }

    // MARK: Levels

    /// Emits `PropertiesChanged` for the levels while someone watches them; false once `nodes`
    /// are no longer the session's (the caller's loop ends).
    func publishLevels(of nodes: SessionAudio) async -> Bool {
        guard audio.nodes === nodes else { return false }
        if audio.levels.publishable(nodes, now: .now) {
            emit(.propertiesChanged(["InputLevel", "OutputLevel"]))
        }
        return true
    }

    /// The echo and level properties (the levels as last read or published).
    func echoPropertyValues() -> [String: DBusValue] {
        [
            "EchoCancel": .string(audio.echoCancel.state),
            "EchoCancelReason": .string(audio.echoCancel.reason),
            "EchoTranscriptsSuppressed": .uint32(UInt32(clamping: audio.echoTranscriptsSuppressed)),
            "EchoGuardSeconds": .double(Double(audio.samplesGuarded + uplink.samplesGuarded) / 16_000),
            "InputLevel": .double(audio.levels.input),
            "OutputLevel": .double(audio.levels.output),
        ]
    }

    /// The value of one property for a D-Bus `Get`: a level is measured now (at most 20 times a
    /// second) and the read opens the levels' watch window.
    public func readProperty(_ name: String) -> DBusValue? {
        if name == "InputLevel" || name == "OutputLevel" {
            _ = audio.levels.read(audio.nodes, now: .now)
        }
        return propertyValues([name])[name]
    }
}
