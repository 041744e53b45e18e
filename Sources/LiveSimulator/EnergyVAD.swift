import Foundation
import LiveProtocol

/// The simulator's voice-activity detector: frame energy against thresholds, driven by sample
/// time (not the wall clock), so results are deterministic.
///
/// Audio is cut into 10 ms frames and each frame's RMS level is compared in dBFS:
/// - speech starts after `prefixPaddingMs` of consecutive frames at or above the start threshold
///   (default 20 ms; `START_SENSITIVITY_HIGH` −45 dBFS, the default; `START_SENSITIVITY_LOW` −35 dBFS);
/// - speech ends after `silenceDurationMs` of consecutive frames below the end threshold
///   (default 500 ms; `END_SENSITIVITY_HIGH` = the start threshold, the default;
///   `END_SENSITIVITY_LOW` = 10 dB below it, so quiet tails still count as speech).
///
/// The utterance runs from the first frame of the onset to the last frame above the end threshold.
struct EnergyVAD: Sendable {
    /// What a chunk of audio caused.
    enum Event: Sendable, Hashable {
        /// Speech was committed (the barge-in moment).
        case speechStarted
        /// Speech ended; the utterance's 16 kHz samples.
        case speechEnded([Int16])
    }

    static let frameSamples = PCM.inputRate / 100
    static let defaultSilenceMs = 500
    static let defaultPrefixPaddingMs = 20

    let startThreshold: Double
    let endThreshold: Double
    let onsetFrames: Int
    let silenceFrames: Int

    private var pending: [Int16] = []
    private var onset: [Int16] = []
    private var onsetCount = 0
    private var utterance: [Int16]?
    private var lastVoicedEnd = 0
    private var silentCount = 0

    /// A detector configured like the service's `automaticActivityDetection`.
    init(_ settings: AutomaticActivityDetection?) {
        startThreshold = settings?.startOfSpeechSensitivity == .low ? -35 : -45
        endThreshold = settings?.endOfSpeechSensitivity == .low ? startThreshold - 10 : startThreshold
        let prefix = max(0, settings?.prefixPaddingMs ?? Self.defaultPrefixPaddingMs)
        onsetFrames = max(1, (prefix + 9) / 10)
        let silence = max(0, settings?.silenceDurationMs ?? Self.defaultSilenceMs)
        silenceFrames = max(1, (silence + 9) / 10)
    }

    /// Feeds samples; returns what they caused, in order.
    mutating func process(_ samples: [Int16]) -> [Event] {
        pending.append(contentsOf: samples)
        var events: [Event] = []
        var start = 0
        while pending.count - start >= Self.frameSamples {
            let frame = Array(pending[start..<start + Self.frameSamples])
            start += Self.frameSamples
            if let event = consume(frame) { events.append(event) }
        }
        pending.removeFirst(start)
        return events
    }

    /// Ends speech now (`audioStreamEnd`); returns the utterance if speech was in progress.
    mutating func flush() -> [Event] {
        defer {
            pending = []
            resetSpeech()
        }
        guard var utterance else { return [] }
        if Self.level(pending) >= endThreshold {
            utterance.append(contentsOf: pending)
            lastVoicedEnd = utterance.count
        }
        return [.speechEnded(Array(utterance[..<lastVoicedEnd]))]
    }

    private mutating func consume(_ frame: [Int16]) -> Event? {
        let level = Self.level(frame)
        guard var current = utterance else {
            if level >= startThreshold {
                onset.append(contentsOf: frame)
                onsetCount += 1
                if onsetCount >= onsetFrames {
                    utterance = onset
                    lastVoicedEnd = onset.count
                    silentCount = 0
                    onset = []
                    onsetCount = 0
                    return .speechStarted
                }
            } else {
                onset = []
                onsetCount = 0
            }
            return nil
        }
        current.append(contentsOf: frame)
        if level < endThreshold {
            silentCount += 1
        } else {
            silentCount = 0
            lastVoicedEnd = current.count
        }
        if silentCount >= silenceFrames {
            let spoken = Array(current[..<lastVoicedEnd])
            resetSpeech()
            return .speechEnded(spoken)
        }
        utterance = current
        return nil
    }

    private mutating func resetSpeech() {
        onset = []
        onsetCount = 0
        utterance = nil
        lastVoicedEnd = 0
        silentCount = 0
    }

    /// The RMS level of `samples` in dBFS (−∞ for silence).
    static func level(_ samples: [Int16]) -> Double {
        guard !samples.isEmpty else { return -.infinity }
        var sum = 0.0
        for sample in samples {
            let value = Double(sample)
            sum += value * value
        }
        let rms = (sum / Double(samples.count)).squareRoot()
        return rms == 0 ? -.infinity : 20 * log10(rms / 32768)
    }
}
