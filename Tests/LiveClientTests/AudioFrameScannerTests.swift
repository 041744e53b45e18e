import Foundation
import FuzzSupport
import LiveProtocol
import NIOCore
import Testing
import WSCore

@testable import LiveClient

/// The downlink's audio-frame scanner against the Codable path, differentially: on every input the
/// scanner either declines or finds exactly the samples (and role) `ServerMessage.decode` finds.
/// Inputs are seeded audio frames in every spelling, key order and layout, and those frames
/// mutated (bytes, escapes, extra keys and parts, other MIME types, odd base64). `FUZZ_SEED` and
/// `FUZZ_CASES` override the defaults; the seed is printed.
@Suite("The audio-frame scanner agrees with the Codable path")
struct AudioFrameScannerTests {
    static let defaultSeed: UInt64 = 0x6175_6469_6F53_636E

    @Test("seeded audio frames and their mutations: the scanner declines or decodes the same samples")
    func differential() throws {
        let parameters = try FuzzParameters.fromEnvironment(defaultSeed: Self.defaultSeed, defaultCases: 4_000)
        print("audio scanner fuzz: starting, \(parameters)")
        var matched = 0, declined = 0, wellFormedMatched = 0, wellFormed = 0
        for index in 0..<parameters.cases {
            var rng = SplitMix64.forCase(index, of: parameters.seed)
            let frame = Self.audioFrame(&rng)
            let mutated = rng.chance(1, in: 2)
            let bytes = mutated ? Self.mutate(frame.bytes, &rng) : frame.bytes
            let outcome = Self.compare(bytes, context: "case \(index), \(parameters)")
            if outcome { matched += 1 } else { declined += 1 }
            if !mutated {
                wellFormed += 1
                if outcome { wellFormedMatched += 1 }
                let samples = try #require(Self.scannedMessage(bytes)?.serverContent?.modelTurn?.parts.first?.inlineData?.data)
                #expect([UInt8](samples) == frame.pcm, "case \(index), \(parameters)")
            }
        }
        print("audio scanner fuzz: \(parameters); \(matched) matched, \(declined) declined; \(wellFormedMatched) of \(wellFormed) well-formed frames matched")
        #expect(wellFormedMatched == wellFormed, "every well-formed audio frame takes the fast path")
        if parameters.cases >= 1_000 { #expect(declined > 0 && matched > wellFormedMatched, "mutations reach both outcomes") }
    }

    @Test("frames the scanner must decline", arguments: [
        #"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio\/pcm;rate=24000","data":"AAAA"}}]}}}"#,
        #"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=16000","data":"AAAA"}}]}}}"#,
        #"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"AA-_"}}]}}}"#,
        #"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"AAA"}}]}}}"#,
        #"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"QR=="}}]}}}"#,
        #"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":""}}]}}}"#,
        #"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"AAAA"}},{"text":"x"}]}}}"#,
        #"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"AAAA"}}]},"turnComplete":true}}"#,
        #"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"AAAA"}}]}},"usageMetadata":{}}"#,
        #"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"AAAA","data":"AAAA"}}]}}}"#,
        #"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"AAAA"}}]},"model_turn":{"parts":[]}}}"#,
        #"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"AAAA"}}]}}} x"#,
        #"{"serverContent":{"modelTurn":{"role":"mo\"del","parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"AAAA"}}]}}}"#,
    ])
    func declines(_ text: String) {
        #expect(Self.scannedMessage(Array(text.utf8)) == nil)
        _ = Self.compare(Array(text.utf8), context: text)
    }

    @Test("the simulator's pretty-printed frame and python-genai's snake_case frame both match")
    func realFrames() throws {
        let pcm: [UInt8] = (0..<3_840).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let message = ServerMessage(serverContent: ServerContent(modelTurn: Content(parts: [Part(inlineData: Blob.pcm(Data(pcm), sampleRate: 24_000))])))
        let pretty = [UInt8](try message.encodedLikeService())
        #expect(Self.compare(pretty, context: "pretty"))
        let snake = #"{"server_content": {"model_turn": {"role": "model", "parts": [{"inline_data": {"data": ""# + Base64.encode(pcm) + #"", "mime_type": "audio/pcm;rate=24000"}}]}}}"#
        #expect(Self.compare(Array(snake.utf8), context: "snake"))
    }

    /// True when the scanner matched; records an issue when it disagrees with the Codable path.
    @discardableResult
    static func compare(_ bytes: [UInt8], context: String) -> Bool {
        let scanned = scannedMessage(bytes)
        let decoded = try? ServerMessage.decode(Data(bytes))
        guard let scanned else { return false }
        if scanned != decoded {
            Issue.record("the scanner matched a frame the Codable path decodes \(decoded == nil ? "not at all" : "differently"): \(context), \(String(decoding: bytes.prefix(160), as: UTF8.self).debugDescription)")
        }
        let viaReader = FrameReader.decode(.binary(ByteBuffer(bytes: bytes)))
        if viaReader != .message(scanned) { Issue.record("FrameReader does not yield the scanned message: \(context)") }
        return true
    }

    static func scannedMessage(_ bytes: [UInt8]) -> ServerMessage? {
        bytes.withUnsafeBytes { raw in AudioFrameScanner.scan(raw).map { $0.message(in: raw) } }
    }

    // MARK: Generating frames

    struct Frame {
        var bytes: [UInt8]
        var pcm: [UInt8]
    }

    /// A valid audio frame: random PCM, either spelling of each key, keys in any order, any
    /// whitespace, with or without a role.
    static func audioFrame(_ rng: inout SplitMix64) -> Frame {
        let pcm = (0..<(2 * rng.int(in: 1...1_200) + rng.below(2))).map { _ in rng.byte() }
        func ws(_ rng: inout SplitMix64) -> String { rng.chance(1, in: 2) ? "" : String((0..<rng.int(in: 1...4)).map { _ in rng.pick([" ", "\n", "\t", "\r"]) }) }
        func key(_ camel: String, _ snake: String, _ rng: inout SplitMix64) -> String { "\"\(rng.chance(1, in: 2) ? camel : snake)\"" }
        func object(_ members: [String], _ rng: inout SplitMix64) -> String {
            var members = members
            for i in members.indices.reversed() { members.swapAt(i, rng.below(i + 1)) }
            return "{" + ws(&rng) + members.joined(separator: ws(&rng) + "," + ws(&rng)) + ws(&rng) + "}"
        }
        let blob = object([
            key("mimeType", "mime_type", &rng) + ws(&rng) + ":" + ws(&rng) + "\"audio/pcm;rate=24000\"",
            "\"data\"" + ws(&rng) + ":" + ws(&rng) + "\"" + Base64.encode(pcm) + "\"",
        ], &rng)
        let part = object([key("inlineData", "inline_data", &rng) + ":" + ws(&rng) + blob], &rng)
        var turn = ["\"parts\":" + ws(&rng) + "[" + ws(&rng) + part + ws(&rng) + "]"]
        if rng.chance(1, in: 3) { turn.append("\"role\":" + ws(&rng) + "\"" + rng.pick(["model", "módel", ""]) + "\"") }
        let content = object([key("modelTurn", "model_turn", &rng) + ":" + object(turn, &rng)], &rng)
        let frame = ws(&rng) + object([key("serverContent", "server_content", &rng) + ":" + ws(&rng) + content], &rng) + ws(&rng)
        return Frame(bytes: Array(frame.utf8), pcm: pcm)
    }

    /// `frame` changed in one of the ways a service, a proxy or a bug might change it.
    static func mutate(_ frame: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = frame
        let anywhere = rng.below(max(1, bytes.count))
        switch rng.below(9) {
        case 0: bytes[anywhere] ^= UInt8(1) << UInt8(rng.below(8))
        case 1: bytes.insert(rng.pick(Array(#"\"/=-_ {}[],:"#.utf8)), at: anywhere)
        case 2: bytes.remove(at: anywhere)
        case 3: bytes = Array(bytes.prefix(anywhere))
        case 4: bytes[anywhere] = rng.byte()
        case 5: bytes = replacing(bytes, "\"data\"", with: rng.pick(["\"Data\"", "\"data_\"", "\"da\\u0074a\""]))
        case 6: bytes = replacing(bytes, "rate=24000", with: rng.pick(["rate=16000", "RATE=24000", "rate=24000;x", "rate=2400\\u0030"]))
        case 7: bytes = replacing(bytes, "[", with: rng.pick(["[{\"text\":\"hi\"},", "[{}, ", "[[", "[ "]))
        default: bytes = replacing(bytes, "}", with: rng.pick([",\"turnComplete\":true}", ",\"x\":1}", "}}", ",}", " }"]))
        }
        return bytes
    }

    static func replacing(_ bytes: [UInt8], _ target: String, with replacement: String) -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let range = text.range(of: target) else { return bytes }
        return Array(text.replacingCharacters(in: range, with: replacement).utf8)
    }
}
