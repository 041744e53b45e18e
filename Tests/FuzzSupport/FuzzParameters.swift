import Foundation

/// The seed and case count of a fuzz run, from the environment: `FUZZ_SEED` (decimal, `0x` hexadecimal, or
/// `random` for a fresh seed, which is printed) and `FUZZ_CASES`; each suite chooses its own defaults, sized
/// for a few seconds in a debug build.
public struct FuzzParameters: Sendable, CustomStringConvertible {
    /// The run's seed; every case derives its generator from it (``SplitMix64/forCase(_:of:)``).
    public var seed: UInt64
    /// How many cases to run.
    public var cases: Int

    /// Explicit parameters.
    public init(seed: UInt64, cases: Int) {
        self.seed = seed
        self.cases = cases
    }

    /// The parameters from `environment`, else the defaults.
    /// - Throws: ``FuzzParameterError`` for a value that is not a number (a typo must not silently run the default).
    public static func fromEnvironment(
        defaultSeed: UInt64, defaultCases: Int, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> FuzzParameters {
        var parameters = FuzzParameters(seed: defaultSeed, cases: defaultCases)
        if let text = environment["FUZZ_SEED"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            parameters.seed = try seed(from: text)
        }
        if let text = environment["FUZZ_CASES"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let cases = Int(text), cases >= 0 else { throw FuzzParameterError("FUZZ_CASES=\(text) is not a count") }
            parameters.cases = cases
        }
        return parameters
    }

    static func seed(from text: String) throws -> UInt64 {
        if text.lowercased() == "random" { return UInt64.random(in: .min ... .max) }
        let parsed = text.lowercased().hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
        guard let parsed else { throw FuzzParameterError("FUZZ_SEED=\(text) is not a decimal or 0x-hexadecimal number") }
        return parsed
    }

    /// `seed 0x… (FUZZ_SEED=…), N cases`: what to type to run it again.
    public var description: String {
        "seed 0x\(String(seed, radix: 16)) (FUZZ_SEED=0x\(String(seed, radix: 16))), \(cases) cases"
    }
}

/// A `FUZZ_SEED` or `FUZZ_CASES` value that cannot be used.
public struct FuzzParameterError: Error, CustomStringConvertible {
    /// What was wrong.
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
