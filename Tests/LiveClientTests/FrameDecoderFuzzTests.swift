import Foundation
import FuzzSupport
import LiveProtocol
import NIOCore
import Testing
import WSCore

@testable import LiveClient

/// The server-frame decoder against thousands of seeded random and mutated frames: `ServerMessage.decode` either
/// decodes or throws, and the client's `FrameReader.decode` turns every failure into `.malformedFrame` with a
/// reason; nothing crashes or hangs. `FUZZ_SEED` and `FUZZ_CASES` override the defaults; the seed is printed.
@Suite("Fuzzing the server-frame decoder")
struct FrameDecoderFuzzTests {
    /// The default seed: the same cases every run, so a failure in CI is a failure on a laptop.
    static let defaultSeed: UInt64 = 0x6765_6D69_6E69_4C76
    /// A case slower than this counts as a hang (a debug build on a busy 2-core machine takes up to about 2 s for a
    /// frame of megabytes).
    static let slowCase: Duration = .seconds(10)

    @Test("every fuzzed frame decodes or fails with a reason, on both decoding paths")
    func fuzzServerFrames() throws {
        let parameters = try FuzzParameters.fromEnvironment(defaultSeed: Self.defaultSeed, defaultCases: 3_000)
        let mutator = FrameMutator(corpus: FrameCorpus.frames)
        #expect(mutator.trees.count == FrameCorpus.frames.count, "every corpus frame is valid JSON")
        print("frame decoder fuzz: starting, \(parameters)")
        var tally = FuzzTally()
        let clock = ContinuousClock()
        let started = clock.now
        for index in 0..<parameters.cases {
            var rng = SplitMix64.forCase(index, of: parameters.seed)
            let generationStarted = clock.now
            let fuzzCase = mutator.makeCase(&rng)
            tally.generating += clock.now - generationStarted
            tally.bytes += fuzzCase.bytes.count
            let caseStarted = clock.now
            let outcome = Self.check(fuzzCase.bytes, case: index, parameters: parameters)
            let elapsed = clock.now - caseStarted
            if elapsed >= Self.slowCase { Issue.record("case \(index) (\(parameters)) took \(elapsed)") }
            tally.count(fuzzCase.kind, outcome, elapsed: elapsed, case: index)
        }
        print("frame decoder fuzz: \(parameters); \(tally) in \(clock.now - started)")
        #expect(tally.total == parameters.cases)
        if parameters.cases >= 1_000 {
            #expect(tally.decoded > 0 && tally.malformed > 0, "the fuzzer reaches both outcomes: \(tally)")
        }
    }

    /// Frames the fuzzer found crashing the decoder, kept as regressions: Foundation's parser trapped at the 513th
    /// nested `[` when it was the frame's last byte; a goAway with a negative or huge `timeLeft` decoded and then
    /// trapped when printed or converted (seed 0xd8adf17dea19f443, case 765 and its neighbours).
    static let crashers: [[UInt8]] = [
        Array(#"{"goAway": {"timeLeft": -5}}"#.utf8),
        Array(#"{"goAway": {"timeLeft": -1e300}}"#.utf8),
        Array(#"{"goAway": {"timeLeft": "1e300s"}}"#.utf8),
        Array(repeating: UInt8(ascii: "["), count: 513),
        Array(#"{"toolCall": {"functionCalls": [{"id": "x", "name": "f", "args": {"deep": "#.utf8) + Array(repeating: UInt8(ascii: "["), count: 512),
    ]

    @Test("the frames that crashed the decoder yield malformedFrame", arguments: crashers)
    func crasher(_ bytes: [UInt8]) {
        #expect(Self.check(bytes, case: -1, parameters: FuzzParameters(seed: 0, cases: 0)) == .malformed)
    }

    /// What the decoder made of one frame.
    enum Outcome: Hashable {
        case decoded, empty, malformed
    }

    /// Decodes `bytes` both ways and checks that they agree; returns the outcome. Failures are recorded with a
    /// short description of the case (never the decoded values, which may be megabytes).
    static func check(_ bytes: [UInt8], case index: Int, parameters: FuzzParameters) -> Outcome {
        let data = Data(bytes)
        let context = "case \(index), \(parameters), \(bytes.count) bytes beginning \(String(decoding: bytes.prefix(80), as: UTF8.self).debugDescription)"
        let direct: Result<ServerMessage, any Error> = Result { try ServerMessage.decode(data) }
        let binary = FrameReader.decode(.binary(ByteBuffer(bytes: bytes)))
        switch direct {
        case .success(let message):
            let agrees = binary == (message.isEmpty ? nil : .message(message))
            if !agrees { Issue.record("the client decoded a valid frame differently: \(context)") }
            if let text = String(validating: bytes, as: UTF8.self) {
                let textAgrees = FrameReader.decode(.text(text)) == binary
                if !textAgrees { Issue.record("a text frame decodes unlike a binary one: \(context)") }
            }
            checkReencoding(message, context: context)
            return message.isEmpty ? .empty : .decoded
        case .failure(let error):
            guard case .malformedFrame(let frame)? = binary else {
                Issue.record("ServerMessage.decode threw but the client yielded \(binary == nil ? "nothing" : "a message"): \(context)")
                return .malformed
            }
            let reasonMatches = !frame.reason.isEmpty && frame.reason == LiveJSON.describe(error)
            if !reasonMatches { Issue.record("malformedFrame reason \(frame.reason.prefix(200).debugDescription): \(context)") }
            if frame.size != bytes.count || frame.excerpt.count > 120 {
                Issue.record("malformedFrame size \(frame.size), excerpt of \(frame.excerpt.count) characters: \(context)")
            }
            return .malformed
        }
    }

    /// A decoded message encodes again (the simulator and the gateway re-encode what they hold), and that encoding
    /// decodes to a message that encodes and decodes to itself.
    static func checkReencoding(_ message: ServerMessage, context: String) {
        do {
            let once = try ServerMessage.decode(message.encodedLikeService())
            let twice = try ServerMessage.decode(once.encodedLikeService())
            if once != twice { Issue.record("re-encoding is not stable: \(context)") }
        } catch {
            Issue.record("a decoded message does not re-encode: \(String("\(error)".prefix(300))); \(context)")
        }
    }
}

/// Counts of a fuzz run: per outcome, per kind of case, and the slowest case.
struct FuzzTally: CustomStringConvertible {
    var decoded = 0
    var empty = 0
    var malformed = 0
    var kinds: [FrameMutator.Kind: Int] = [:]
    var slowest: (elapsed: Duration, case: Int) = (.zero, 0)
    var generating: Duration = .zero
    var bytes = 0

    var total: Int { decoded + empty + malformed }

    mutating func count(_ kind: FrameMutator.Kind, _ outcome: FrameDecoderFuzzTests.Outcome, elapsed: Duration, case index: Int) {
        switch outcome {
        case .decoded: decoded += 1
        case .empty: empty += 1
        case .malformed: malformed += 1
        }
        kinds[kind, default: 0] += 1
        if elapsed > slowest.elapsed { slowest = (elapsed, index) }
    }

    var description: String {
        let perKind = FrameMutator.Kind.allCases.map { "\($0.rawValue) \(kinds[$0] ?? 0)" }.joined(separator: ", ")
        return "\(total) cases: \(decoded) decoded, \(empty) empty, \(malformed) malformed (\(perKind)); \(bytes / 1_000) kB in all, generated in \(generating); slowest case \(slowest.case) took \(slowest.elapsed)"
    }
}
