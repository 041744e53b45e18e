import Foundation
import Testing

@testable import LiveProtocol

/// What a local Live endpoint closes a refused setup with: the service's code and a reason within
/// the close frame's 123 bytes that names the fix.
@Suite struct PreflightCloseTests {
    static let gemini = LiveEndpoint(credential: .apiKey(Secret("k")))

    /// The seeds' setups: (first frame, code the service answers, words the reason must carry).
    static let seeds: [(String, UInt16, [String])] = [
        (#"{"model": "models/gemini-3.8-live", "generationConfig": {"responseModalities": ["AUDIO"]}}"#, 1007, ["Wrap", "setup"]),
        (#"{"setup": {"model": "models/gemini-2.0-flash-live-001", "generationConfig": {"responseModalities": ["AUDIO"]}}}"#, 1008, ["setup.model", "gemini-3.8-live"]),
        (#"{"setup": {"model": "models/gemini-3.8-live", "generationConfig": {"responseModalities": ["AUDIO"]}, "systemInstruction": "Be brief."}}"#, 1007, ["systemInstruction", "parts"]),
        (#"{"setup": {"model": "models/gemini-3.8-live", "generationConfig": {"responseModalities": ["TEXT"]}}}"#, 1007, ["AUDIO"]),
    ]

    @Test("each seed's setup is refused with the service's code and a reason naming the fix", arguments: seeds.indices)
    func seed(index: Int) throws {
        let (frame, code, words) = Self.seeds[index]
        let close = try #require(PreflightClose(Preflight.check(rawFirstFrame: frame, endpoint: Self.gemini)))
        #expect(close.code == code)
        #expect(close.reason.utf8.count <= PreflightClose.maximumReasonBytes)
        for word in words { #expect(close.reason.contains(word), "\"\(close.reason)\" lacks \"\(word)\"") }
    }

    @Test("a setup preflight lets through gives no close")
    func clean() {
        let frame = #"{"setup": {"model": "models/gemini-3.8-live", "generationConfig": {"responseModalities": ["AUDIO"]}}}"#
        #expect(PreflightClose(Preflight.check(rawFirstFrame: frame, endpoint: Self.gemini)) == nil)
    }

    @Test("models the service does not serve close with 1008, everything else with 1007")
    func codes() {
        for rule in ["retired-model", "vertex-only-model", "gemini-only-model", "vertex-region"] {
            #expect(PreflightClose.serviceCode(forRule: rule) == 1008, "\(rule)")
        }
        for rule in ["missing-setup-wrapper", "system-instruction-string", "text-on-audio-model", "unknown-field", "wrong-level"] {
            #expect(PreflightClose.serviceCode(forRule: rule) == 1007, "\(rule)")
        }
    }

    @Test("a long reason is cut on a character boundary within 123 bytes and marked")
    func truncation() {
        let long = String(repeating: "é", count: 100)  // 200 bytes
        let cut = PreflightClose.truncated(long)
        #expect(cut.utf8.count <= 123)
        #expect(cut.hasSuffix("…"))
        #expect(cut.dropLast().allSatisfy { $0 == "é" })
        #expect(PreflightClose.truncated("short") == "short")
        let exact = String(repeating: "a", count: 123)
        #expect(PreflightClose.truncated(exact) == exact)
    }
}
