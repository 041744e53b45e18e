import Foundation

/// 16-bit little-endian mono PCM, the only audio the Live API carries.
enum PCM {
    /// The input rate (`audio/pcm;rate=16000`).
    static let inputRate = 16_000
    /// The output rate (`audio/pcm;rate=24000`).
    static let outputRate = 24_000

    /// Samples from little-endian bytes; a trailing odd byte is ignored.
    static func samples(_ data: Data) -> [Int16] {
        var result = [Int16](repeating: 0, count: data.count / 2)
        data.withUnsafeBytes { raw in
            for index in result.indices {
                let low = UInt16(raw[2 * index])
                let high = UInt16(raw[2 * index + 1])
                result[index] = Int16(bitPattern: low | high << 8)
            }
        }
        return result
    }

    /// Little-endian bytes of `samples`.
    static func data(_ samples: some Collection<Int16>) -> Data {
        var data = Data(capacity: samples.count * 2)
        for sample in samples {
            let bits = UInt16(bitPattern: sample)
            data.append(UInt8(truncatingIfNeeded: bits))
            data.append(UInt8(truncatingIfNeeded: bits >> 8))
        }
        return data
    }

    /// Float samples in −1…1 clipped to 16 bits.
    static func quantized(_ samples: [Float]) -> [Int16] {
        samples.map { Int16(max(-32768, min(32767, ($0 * 32767).rounded()))) }
    }

    /// The duration of `count` samples at `rate`.
    static func duration(samples count: Int, rate: Int) -> Duration {
        .nanoseconds(Int64(count) * 1_000_000_000 / Int64(rate))
    }
}
