import Foundation

/// The largest magnitude (0…32768) among `count` S16 samples: the level meters' measure, computed
/// on the realtime thread (no allocation, no lock).
@inline(__always)
func samplePeak(_ samples: UnsafePointer<Int16>, count: Int) -> Int {
    var peak: Int32 = 0
    for i in 0..<count {
        let magnitude = abs(Int32(samples[i]))
        if magnitude > peak { peak = magnitude }
    }
    return Int(peak)
}

/// A peak (0…32768) in dB relative to full scale, floored at ``silenceDBFS`` for digital silence.
public func decibelsFullScale(peak: Int) -> Double {
    guard peak > 0 else { return silenceDBFS }
    return max(silenceDBFS, 20 * log10(Double(peak) / 32768))
}

/// The level reported for silence: below the 16-bit noise floor (-90.3 dBFS).
public let silenceDBFS = -96.0
