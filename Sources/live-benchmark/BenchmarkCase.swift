import Foundation
import LiveProtocol

/// One thing to time: an operation on one audio frame size in one direction.
struct BenchmarkCase {
    /// Client → service (microphone, 16 kHz) or service → client (model voice, 24 kHz).
    enum Way: String {
        case up
        case down
    }

    enum Operation: String {
        /// `ClientMessage.encoded()`: the audio fast path.
        case fastEncode
        /// The same message through `JSONEncoder` (Codable), for comparison.
        case codableEncode
        /// `ServerMessage.encodedLikeService()`.
        case serviceEncode
        /// `ClientMessage.decode` or `ServerMessage.decode`.
        case decode
    }

    static let chunkMilliseconds = [20, 100]

    let way: Way
    let chunkMilliseconds: Int
    let kind: Operation
    let operation: String
    let pcmBytes: Int
    let jsonBytes: Int
    let body: () throws -> Int
    let verify: () throws -> Void

    var id: String { Self.id(way, chunkMilliseconds, kind) }

    static func id(_ way: Way, _ chunk: Int, _ kind: Operation) -> String { "\(way.rawValue)-\(chunk)-\(kind.rawValue)" }

    /// Every case, in print order.
    static func all() throws -> [BenchmarkCase] {
        var cases: [BenchmarkCase] = []
        for chunk in chunkMilliseconds {
            cases += try upstream(chunkMilliseconds: chunk)
        }
        for chunk in chunkMilliseconds {
            cases += try downstream(chunkMilliseconds: chunk)
        }
        return cases
    }

    /// 16-bit mono PCM of a 440 Hz tone with a little noise, so base64 sees varied bytes.
    static func pcm(sampleRate: Int, milliseconds: Int) -> Data {
        let count = sampleRate * milliseconds / 1000
        var generator = SplitMix64(seed: UInt64(sampleRate * 1000 + milliseconds))
        var data = Data(capacity: count * 2)
        for index in 0..<count {
            let tone = sin(2 * Double.pi * 440 * Double(index) / Double(sampleRate)) * 8000
            let noise = Double(Int64(generator.next() % 512) - 256)
            let sample = Int16(clamping: Int(tone + noise))
            withUnsafeBytes(of: sample.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    static func upstream(chunkMilliseconds chunk: Int) throws -> [BenchmarkCase] {
        let pcm = pcm(sampleRate: 16_000, milliseconds: chunk)
        let message = ClientMessage.realtimeInput(.audio(.pcm(pcm, sampleRate: 16_000)))
        let wire = try message.encoded()
        let codable = LiveJSON.makeEncoder()
        func make(_ kind: Operation, _ label: String, _ body: @escaping () throws -> Int) -> BenchmarkCase {
            BenchmarkCase(
                way: .up, chunkMilliseconds: chunk, kind: kind, operation: label, pcmBytes: pcm.count,
                jsonBytes: wire.count, body: body,
                verify: {
                    let decoded = try ClientMessage.decode(wire)
                    guard decoded == message else { throw BenchmarkError.roundTrip("upstream \(chunk) ms") }
                    let viaCodable = try ClientMessage.decode(try codable.encode(message))
                    guard viaCodable == message else { throw BenchmarkError.roundTrip("upstream Codable \(chunk) ms") }
                })
        }
        return [
            make(.fastEncode, "encode: ClientMessage.encoded() (fast path)") { try message.encoded().count },
            make(.codableEncode, "encode: JSONEncoder (Codable)") { try codable.encode(message).count },
            make(.decode, "decode: ClientMessage.decode") {
                guard case .realtimeInput(let input) = try ClientMessage.decode(wire) else { return 0 }
                return input.audio?.data.count ?? 0
            },
        ]
    }

    static func downstream(chunkMilliseconds chunk: Int) throws -> [BenchmarkCase] {
        let pcm = pcm(sampleRate: 24_000, milliseconds: chunk)
        let message = ServerMessage(
            serverContent: ServerContent(
                modelTurn: Content(role: "model", parts: [Part(inlineData: .pcm(pcm, sampleRate: 24_000))])))
        let wire = try message.encodedLikeService()
        func make(_ kind: Operation, _ label: String, _ body: @escaping () throws -> Int) -> BenchmarkCase {
            BenchmarkCase(
                way: .down, chunkMilliseconds: chunk, kind: kind, operation: label, pcmBytes: pcm.count,
                jsonBytes: wire.count, body: body,
                verify: {
                    guard try ServerMessage.decode(wire) == message else {
                        throw BenchmarkError.roundTrip("downstream \(chunk) ms")
                    }
                })
        }
        return [
            make(.serviceEncode, "encode: ServerMessage.encodedLikeService()") { try message.encodedLikeService().count },
            make(.decode, "decode: ServerMessage.decode") {
                try ServerMessage.decode(wire).serverContent?.modelTurn?.parts.first?.inlineData?.data.count ?? 0
            },
        ]
    }
}

enum BenchmarkError: Error, CustomStringConvertible {
    case roundTrip(String)

    var description: String {
        switch self {
        case .roundTrip(let what): "\(what): the decoded message differs from the encoded one"
        }
    }
}

/// A small deterministic pseudo-random generator (SplitMix64).
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
