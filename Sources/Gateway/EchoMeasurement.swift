import Foundation

/// What `CheckEcho` measures from a sweep played on the speakers: the raw microphone and the
/// echo canceller's output, both 16 kHz, against the sweep itself. Pure arithmetic, apart from
/// PipeWire, so it is tested on made-up rooms.
///
/// - Delay: from the sweep's start to its arrival at the raw microphone (the first 1 ms 20 dB over
///   the room's noise): speakers to microphone, PipeWire's buffering included.
/// - Echo removed (ERLE): raw over cancelled energy, in dB, over the second half of the signal:
///   the sweep plays twice and the first pass lets the canceller adapt, as it does in a session's
///   first moments (which the session's convergence guard covers).
struct EchoMeasurement: Sendable, Equatable {
    /// Speakers → microphone, ms.
    var delayMilliseconds: Double
    /// Echo removed, dB.
    var erleDecibels: Double
    /// The sweep's level at the raw microphone, dBFS (RMS).
    var rawEchoDBFS: Double
    /// What is left after the canceller, dBFS (RMS).
    var cancelledDBFS: Double

    /// Below this the gateway recommends headphones. A voice at a usual −20 dBFS at the
    /// microphone, cut by 20 dB, leaves about −40 dBFS: above the −45 dBFS at which the gateway
    /// counts input as speech (the `Activity` property) and loud enough for the service's voice
    /// detection to hear the model's own voice as the user barging in. The virtual room measures
    /// 35–43 dB (docs/echo-cancellation.md).
    static let headphonesBelowDecibels = 20.0
    /// Below this the microphone hardly hears the speakers (a headset, or speakers far away):
    /// nothing to cancel, and no ERLE worth reporting.
    static let inaudibleBelowDBFS = -60.0

    /// Samples per onset block (1 ms at 16 kHz).
    static let block = 16

    /// Measures `raw` and `cancelled` against `sweep`, which started playing when they held
    /// `rawStart` and `cancelledStart` samples (each recording holds some audio from before).
    /// Nil when the recordings are too short.
    static func measure(sweep: [Int16], raw: [Int16], rawStart: Int, cancelled: [Int16], cancelledStart: Int) -> EchoMeasurement? {
        guard rawStart >= 0, cancelledStart >= 0, raw.count >= rawStart + sweep.count,
              cancelled.count >= cancelledStart + sweep.count
        else { return nil }
        let offset = onset(in: raw, after: rawStart, within: sweep.count / 2) ?? 0
        // The second half, where the canceller has adapted, as it lies in each recording.
        let half = sweep.count / 2
        let rawTo = min(raw.count, rawStart + offset + sweep.count)
        let cancelledTo = min(cancelled.count, cancelledStart + offset + sweep.count)
        let rawFrom = rawStart + offset + half
        let cancelledFrom = cancelledStart + offset + half
        guard rawFrom < rawTo, cancelledFrom < cancelledTo else { return nil }
        let rawEnergy = meanSquare(raw[rawFrom..<rawTo])
        let cancelledEnergy = meanSquare(cancelled[cancelledFrom..<cancelledTo])
        // Both levels bottom out at -96 dBFS (16-bit silence), so a canceller that leaves digital
        // silence reports the whole echo level as removed, not an arbitrary ratio to zero.
        let (rawLevel, cancelledLevel) = (dbfs(rawEnergy), dbfs(cancelledEnergy))
        return EchoMeasurement(
            delayMilliseconds: Double(offset) / 16, erleDecibels: rawLevel - cancelledLevel,
            rawEchoDBFS: rawLevel, cancelledDBFS: cancelledLevel)
    }

    /// Samples after `start` until the first 1 ms block 20 dB above the room's noise (the 100 ms
    /// before `start`) and above −60 dBFS: where the sweep arrives. Nil when nothing rises within
    /// `limit` samples.
    static func onset(in samples: [Int16], after start: Int, within limit: Int) -> Int? {
        let noiseFrom = max(0, start - 1600)
        let noise = meanSquare(samples[noiseFrom..<start])
        let floor = 32768.0 * 32768.0 * pow(10, inaudibleBelowDBFS / 10)
        let threshold = max(noise * 100, floor)
        var position = start
        while position + block <= min(samples.count, start + limit) {
            if meanSquare(samples[position..<(position + block)]) > threshold { return position - start }
            position += block
        }
        return nil
    }

    /// What the user should do, in a sentence.
    var advice: String {
        if rawEchoDBFS < Self.inaudibleBelowDBFS {
            return "The microphone hardly hears the speakers (\(Self.format(rawEchoDBFS)) dBFS): a headset or speakers far away; nothing to cancel."
        }
        if erleDecibels < Self.headphonesBelowDecibels {
            return "The canceller removes only \(Self.format(erleDecibels)) dB of the speakers' sound (below \(Self.format(Self.headphonesBelowDecibels)) dB the model may hear itself and stop talking): use headphones, or turn the speakers down."
        }
        return "The canceller removes \(Self.format(erleDecibels)) dB of the speakers' sound: talking with the speakers on is fine."
    }

    /// Whether headphones are recommended.
    var recommendsHeadphones: Bool {
        rawEchoDBFS >= Self.inaudibleBelowDBFS && erleDecibels < Self.headphonesBelowDecibels
    }

    /// The check's signal at `rate`: a 2 s sweep, twice (``sweep(seconds:rate:)``).
    static func signal(rate: Int) -> [Int16] {
        let once = sweep(seconds: 2, rate: rate)
        return once + once
    }

    /// A logarithmic sweep from 200 Hz to 4 kHz at −10 dBFS, `seconds` long at `rate`, with 10 ms
    /// fades: speech's band, as the canceller sees it in a conversation.
    static func sweep(seconds: Double, rate: Int) -> [Int16] {
        let count = Int(seconds * Double(rate))
        let (low, high) = (200.0, 4000.0)
        let k = log(high / low)
        let fade = rate / 100
        return (0..<count).map { n in
            let t = Double(n) / Double(rate)
            let phase = 2 * Double.pi * low * seconds / k * (exp(t / seconds * k) - 1)
            let gain = min(1, Double(min(n, count - 1 - n)) / Double(fade))
            return Int16(sin(phase) * gain * 0.316 * 32767)
        }
    }

    static func meanSquare(_ samples: ArraySlice<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        return samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)
    }

    static func dbfs(_ meanSquare: Double) -> Double {
        max(-96, 10 * log10(max(meanSquare, 1e-9) / (32768.0 * 32768.0)))
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
