import Foundation

/// Reads the samples of a 16-bit mono WAV (the data chunk, wherever it starts).
public func readWAVSamples(_ url: URL) throws -> [Int16] {
    let data = try Data(contentsOf: url)
    var offset = 12
    while offset + 8 <= data.count {
        let id = String(decoding: data[offset..<offset + 4], as: UTF8.self)
        let size = Int(data[offset + 4]) | Int(data[offset + 5]) << 8 | Int(data[offset + 6]) << 16 | Int(data[offset + 7]) << 24
        if id == "data" {
            let end = min(data.count, offset + 8 + size)
            return stride(from: offset + 8, to: end - 1, by: 2).map {
                Int16(bitPattern: UInt16(data[$0]) | UInt16(data[$0 + 1]) << 8)
            }
        }
        offset += 8 + size + (size & 1)
    }
    throw ToolError(description: "no data chunk in \(url.path)")
}

/// Reads raw S16LE samples.
public func readRawSamples(_ url: URL) throws -> [Int16] {
    let data = try Data(contentsOf: url)
    return stride(from: 0, to: data.count - 1, by: 2).map {
        Int16(bitPattern: UInt16(data[$0]) | UInt16(data[$0 + 1]) << 8)
    }
}

/// The largest normalized cross-correlation of `a` against `b` (`b[i + lag]` against `a[i]`)
/// over lags within `maxLag` of the lag that aligns their first sounds.
public func peakCorrelation(_ a: [Int16], _ b: [Int16], maxLag: Int) -> Double {
    guard let soundA = soundRange(a), let soundB = soundRange(b) else { return 0 }
    let center = soundB.lowerBound - soundA.lowerBound
    let x = a.map(Double.init), y = b.map(Double.init)
    var best = 0.0
    for lag in (center - maxLag)...(center + maxLag) {
        var dot = 0.0, xx = 0.0, yy = 0.0
        for i in 0..<x.count {
            let j = i + lag
            guard j >= 0, j < y.count else { continue }
            dot += x[i] * y[j]; xx += x[i] * x[i]; yy += y[j] * y[j]
        }
        if xx > 0, yy > 0 { best = max(best, dot / (xx * yy).squareRoot()) }
    }
    return best
}

/// The index range from the first to the last sample louder than `threshold`.
public func soundRange(_ samples: [Int16], threshold: Int16 = 64) -> Range<Int>? {
    guard let first = samples.firstIndex(where: { abs(Int($0)) > Int(threshold) }),
          let last = samples.lastIndex(where: { abs(Int($0)) > Int(threshold) })
    else { return nil }
    return first..<(last + 1)
}

/// `count` samples of a sine at `frequency` Hz, as S16LE bytes.
public func sineBytes(frequency: Double, rate: Double, count: Int, amplitude: Double = 12_000) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(2 * count)
    for i in 0..<count {
        let value = UInt16(bitPattern: Int16(amplitude * sin(2 * .pi * frequency * Double(i) / rate)))
        bytes.append(UInt8(value & 0xff))
        bytes.append(UInt8(value >> 8))
    }
    return bytes
}

/// The normalized correlation of each `window`-sample piece of `a`'s sound with `b`, each piece at
/// its own best lag within `maxLag` of the lag that aligns the first sounds: robust to a glitch
/// that shifts the rest of `b` by a few samples, which a single whole-signal correlation is not.
public func windowedCorrelations(_ a: [Int16], _ b: [Int16], window: Int, maxLag: Int) -> [Double] {
    guard let soundA = soundRange(a), let soundB = soundRange(b), window > 0 else { return [] }
    let center = soundB.lowerBound - soundA.lowerBound
    var results: [Double] = []
    for start in stride(from: soundA.lowerBound, to: soundA.upperBound - window / 2, by: window) {
        let end = min(start + window, soundA.upperBound)
        var xx = 0.0
        for i in start..<end { xx += Double(a[i]) * Double(a[i]) }
        guard xx > Double(end - start) * 100 * 100 else { continue }
        var best = 0.0
        for lag in (center - maxLag)...(center + maxLag) {
            var dot = 0.0, yy = 0.0
            for i in start..<end {
                let j = i + lag
                guard j >= 0, j < b.count else { continue }
                let y = Double(b[j])
                dot += Double(a[i]) * y
                yy += y * y
            }
            if yy > 0 { best = max(best, dot / (xx * yy).squareRoot()) }
        }
        results.append(best)
    }
    return results
}

/// The root mean square of `samples`, as a fraction of full scale.
public func rms<C: Collection<Int16>>(_ samples: C) -> Double {
    guard !samples.isEmpty else { return 0 }
    let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
    return (sum / Double(samples.count)).squareRoot() / 32768
}
