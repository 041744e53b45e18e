import Foundation

/// Synthetic audio for the simulator tests.
enum TestAudio {
    /// A tone of `milliseconds` at `frequency` with amplitude `level` (0…1) and a slow tremolo,
    /// at `rate`.
    static func tone(milliseconds: Int, frequency: Double = 440, level: Double = 0.3, rate: Int = 16_000) -> [Int16] {
        let count = rate * milliseconds / 1000
        return (0..<count).map { index in
            let time = Double(index) / Double(rate)
            let tremolo = 0.75 + 0.25 * sin(2 * .pi * 3 * time)
            return Int16(32767 * level * tremolo * sin(2 * .pi * frequency * time))
        }
    }

    /// Silence of `milliseconds`.
    static func silence(milliseconds: Int, rate: Int = 16_000) -> [Int16] {
        [Int16](repeating: 0, count: rate * milliseconds / 1000)
    }

    /// Little-endian bytes.
    static func data(_ samples: [Int16]) -> Data {
        var data = Data(capacity: samples.count * 2)
        for sample in samples {
            let bits = UInt16(bitPattern: sample)
            data.append(UInt8(truncatingIfNeeded: bits))
            data.append(UInt8(truncatingIfNeeded: bits >> 8))
        }
        return data
    }

    /// Samples from little-endian bytes.
    static func samples(_ data: Data) -> [Int16] {
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count - 1, by: 2).map {
            Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)
        }
    }

    /// The RMS of `samples` relative to full scale.
    static func rms(_ samples: [Int16]) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (sum / Double(samples.count)).squareRoot() / 32768
    }

    /// The best normalized cross-correlation of `a` and `b` over lags in `-maxLag...maxLag`.
    static func correlation(_ a: [Int16], _ b: [Int16], maxLag: Int = 64) -> Double {
        var best = -1.0
        for lag in -maxLag...maxLag {
            var dot = 0.0
            var energyA = 0.0
            var energyB = 0.0
            for index in 0..<a.count {
                let other = index + lag
                guard other >= 0, other < b.count else { continue }
                let x = Double(a[index])
                let y = Double(b[other])
                dot += x * y
                energyA += x * x
                energyB += y * y
            }
            if energyA > 0, energyB > 0 { best = max(best, dot / (energyA * energyB).squareRoot()) }
        }
        return best
    }

    /// Linear interpolation 16 kHz → 24 kHz: an independent reference for the echo.
    static func linearUpsample(_ samples: [Int16]) -> [Int16] {
        let count = (samples.count * 3 + 1) / 2
        return (0..<count).map { index in
            let position = Double(index) * 2 / 3
            let base = Int(position)
            let fraction = position - Double(base)
            let a = Double(samples[min(base, samples.count - 1)])
            let b = Double(samples[min(base + 1, samples.count - 1)])
            return Int16(a + (b - a) * fraction)
        }
    }
}
