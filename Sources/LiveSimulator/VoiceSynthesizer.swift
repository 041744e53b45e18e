import Foundation

/// The simulator's synthesized voice: deterministic, speech-like 24 kHz audio for a reply text.
///
/// Each word becomes a voiced sound whose length grows with the word (90 ms + 55 ms per letter,
/// 160–650 ms), with a harmonic spectrum shaped by vowel formants (the word's first vowel gliding to
/// its last), a falling pitch contour with a slight vibrato, a short noise burst for a leading
/// consonant, 60 ms gaps between words and 180 ms after punctuation. The pitch depends on the
/// prebuilt voice name, so two voices sound different; the same text always gives the same samples.
public struct VoiceSynthesizer: Sendable {
    /// Output rate: 24 kHz, like the service.
    public static let sampleRate = PCM.outputRate
    /// The base pitch in Hz.
    public let fundamental: Double

    private static let tableSize = 2048

    /// A voice; `voiceName` (e.g. `Kore`) picks the pitch, nil gives 180 Hz.
    public init(voiceName: String? = nil) {
        if let voiceName, !voiceName.isEmpty {
            fundamental = 110 + Double(Self.hash(voiceName.lowercased()) % 120)
        } else {
            fundamental = 180
        }
    }

    /// The spoken `text` as 24 kHz samples, and the sample offset where each word starts.
    public func speak(_ text: String) -> (samples: [Int16], wordStarts: [Int]) {
        let words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard !words.isEmpty else { return ([], []) }
        let rate = Double(Self.sampleRate)
        var output: [Float] = []
        var starts: [Int] = []
        var tables: [Character?: [Float]] = [:]
        func table(_ vowel: Character?) -> [Float] {
            if let cached = tables[vowel] { return cached }
            let made = Self.wavetable(vowel: vowel, pitch: fundamental)
            tables[vowel] = made
            return made
        }
        let plannedSamples = words.reduce(0) { $0 + Self.wordSamples($1) + Self.gapSamples(after: $1) }
        for word in words {
            starts.append(output.count)
            let count = Self.wordSamples(word)
            let vowels = word.lowercased().filter { "aeiouy".contains($0) }
            let first = table(vowels.first)
            let last = table(vowels.last)
            let stress = 0.85 + 0.15 * Double(Self.hash(word) % 100) / 100
            let consonantSamples = word.first.map { !"aeiouy".contains($0.lowercased()) && $0.isLetter } == true
                ? Int(0.025 * rate) : 0
            var noise = Self.hash(word)
            var phase = 0.0
            for index in 0..<count {
                let overall = Double(output.count) / Double(max(plannedSamples, 1))
                let time = Double(index) / rate
                let pitch = fundamental * (1.08 - 0.16 * overall) * (1 + 0.03 * sin(2 * .pi * 5 * time))
                phase += pitch / rate
                phase -= phase.rounded(.down)
                let position = Int(phase * Double(Self.tableSize)) % Self.tableSize
                let glide = Float(Double(index) / Double(count))
                var value = (1 - glide) * first[position] + glide * last[position]
                if index < consonantSamples {
                    noise = noise &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    let white = Float(Int64(bitPattern: noise >> 11) % 2000) / 1000 - 1
                    value = value * Float(index) / Float(consonantSamples) + 0.25 * white
                }
                output.append(value * Float(0.3 * stress * Self.envelope(index, count: count, rate: rate)))
            }
            output.append(contentsOf: repeatElement(0, count: Self.gapSamples(after: word)))
        }
        return (PCM.quantized(output), starts)
    }

    /// Samples of a word's voiced part.
    static func wordSamples(_ word: String) -> Int {
        let letters = word.filter { $0.isLetter || $0.isNumber }.count
        let milliseconds = min(650, max(160, 90 + 55 * letters))
        return Self.sampleRate * milliseconds / 1000
    }

    /// Silence after a word: longer after punctuation.
    static func gapSamples(after word: String) -> Int {
        let pause = word.last.map { ".,!?;:".contains($0) } == true ? 180 : 60
        return Self.sampleRate * pause / 1000
    }

    /// A raised-cosine attack (20 ms) and release (40 ms).
    static func envelope(_ index: Int, count: Int, rate: Double) -> Double {
        let attack = 0.02 * rate
        let release = 0.04 * rate
        let fromStart = Double(index)
        let toEnd = Double(count - index)
        var gain = 1.0
        if fromStart < attack { gain *= 0.5 - 0.5 * cos(.pi * fromStart / attack) }
        if toEnd < release { gain *= 0.5 - 0.5 * cos(.pi * toEnd / release) }
        return gain
    }

    /// One period of a vowel: harmonics of `pitch` weighted by formant resonances, peak 1.
    static func wavetable(vowel: Character?, pitch: Double) -> [Float] {
        let formants: (Double, Double) =
            switch vowel {
            case "a": (800, 1200)
            case "e": (500, 1900)
            case "i": (300, 2300)
            case "o": (500, 900)
            case "u": (350, 800)
            case "y": (300, 2000)
            default: (450, 1500)
            }
        let resonances: [(frequency: Double, bandwidth: Double, gain: Double)] = [
            (formants.0, 80, 1), (formants.1, 110, 0.6), (2600, 150, 0.25),
        ]
        let harmonics = max(1, Int(3800 / pitch))
        var table = [Double](repeating: 0, count: tableSize)
        for harmonic in 1...harmonics {
            let frequency = Double(harmonic) * pitch
            let amplitude = resonances.reduce(0.02) { sum, resonance in
                let offset = (frequency - resonance.frequency) / resonance.bandwidth
                return sum + resonance.gain / (1 + offset * offset)
            }
            for index in 0..<tableSize {
                table[index] += amplitude * sin(2 * .pi * Double(harmonic * index) / Double(tableSize))
            }
        }
        let peak = table.map(abs).max() ?? 1
        return table.map { Float($0 / (peak > 0 ? peak : 1)) }
    }

    /// FNV-1a of `text`: stable across runs and platforms.
    static func hash(_ text: String) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
        return value
    }
}
