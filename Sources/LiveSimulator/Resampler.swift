import Foundation

/// A windowed-sinc resampler for a rational rate ratio (the echo voice's 16 kHz → 24 kHz).
///
/// Polyphase: output sample `n` sits at input position `n·down/up`; one filter per phase, each a
/// Blackman-windowed sinc of `halfWidth` taps either side, with its cutoff at the lower of the two
/// Nyquist frequencies. Output length is `ceil(count·up/down)`; edges are zero-padded.
public struct Resampler: Sendable {
    /// The input sample rate.
    public let inputRate: Int
    /// The output sample rate.
    public let outputRate: Int
    private let up: Int
    private let down: Int
    private let halfWidth: Int
    private let phases: [[Float]]

    /// A resampler from `inputRate` to `outputRate` with `halfWidth` taps either side (default 16).
    public init(inputRate: Int, outputRate: Int, halfWidth: Int = 16) {
        precondition(inputRate > 0 && outputRate > 0 && halfWidth > 0, "rates and width must be positive")
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.halfWidth = halfWidth
        let divisor = Self.gcd(inputRate, outputRate)
        up = outputRate / divisor
        down = inputRate / divisor
        let cutoff = min(1.0, Double(outputRate) / Double(inputRate))
        var phases: [[Float]] = []
        for phase in 0..<up {
            let fraction = Double(phase * down % up) / Double(up)
            var taps: [Float] = []
            var sum = 0.0
            var values: [Double] = []
            for k in (-halfWidth + 1)...halfWidth {
                let t = Double(k) - fraction
                let x = cutoff * t
                let sinc = x == 0 ? 1.0 : sin(Double.pi * x) / (Double.pi * x)
                let position = (t + Double(halfWidth)) / Double(2 * halfWidth)
                let window =
                    position <= 0 || position >= 1
                    ? 0 : 0.42 - 0.5 * cos(2 * Double.pi * position) + 0.08 * cos(4 * Double.pi * position)
                let value = cutoff * sinc * window
                values.append(value)
                sum += value
            }
            for value in values { taps.append(Float(sum == 0 ? value : value / sum)) }
            phases.append(taps)
        }
        self.phases = phases
    }

    /// `samples` at ``outputRate``.
    public func resample(_ samples: [Int16]) -> [Int16] {
        guard !samples.isEmpty else { return [] }
        let outputCount = (samples.count * up + down - 1) / down
        var output = [Int16](repeating: 0, count: outputCount)
        for n in 0..<outputCount {
            let base = n * down / up
            let taps = phases[n % up]
            var accumulator: Float = 0
            for (offset, tap) in taps.enumerated() {
                let index = base + offset - halfWidth + 1
                if index >= 0 && index < samples.count { accumulator += tap * Float(samples[index]) }
            }
            output[n] = Int16(max(-32768, min(32767, accumulator.rounded())))
        }
        return output
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
