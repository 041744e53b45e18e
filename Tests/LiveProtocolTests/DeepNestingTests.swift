import Foundation
import Testing

@testable import LiveProtocol

/// Inputs the decoder fuzzer found crashing Foundation's JSON parser (swift-foundation in Swift 6.3 traps when
/// nesting passes 512 levels at an array bracket that is the last byte): every decoding entry point now throws.
@Suite struct DeepNestingTests {
    static let crashing: [String] = [
        String(repeating: "[", count: 513),
        "{\"x\":" + String(repeating: "[", count: 512),
        String(repeating: "{\"a\":", count: 512) + "[",
        #"{"toolCall": {"functionCalls": [{"args": {"deep": "# + String(repeating: "[", count: 512),
    ]

    @Test("a server frame ending in the 513th nested bracket is an error, not a crash", arguments: crashing)
    func serverFrame(_ text: String) {
        #expect(throws: DecodingError.self) { try ServerMessage.decode(Data(text.utf8)) }
    }

    @Test("a client frame ending in the 513th nested bracket is an error, not a crash", arguments: crashing)
    func clientFrame(_ text: String) {
        #expect(throws: DecodingError.self) { try ClientMessage.decode(Data(text.utf8)) }
    }

    @Test("caller-owned JSON ending in the 513th nested bracket is an error, not a crash", arguments: crashing)
    func jsonValue(_ text: String) {
        #expect(throws: DecodingError.self) { try JSONValue(parsing: text) }
    }

    @Test("deep but valid nesting still decodes, and too deep nesting elsewhere is still an error")
    func otherNesting() throws {
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        let message = try ServerMessage.decode(Data(#"{"toolCall": {"functionCalls": [{"name": "f", "args": {"d": \#(deep)}}]}}"#.utf8))
        #expect(message.toolCall?.functionCalls.first?.args?["d"] != nil)
        #expect(throws: DecodingError.self) { try ServerMessage.decode(Data((String(repeating: "[", count: 513) + " ").utf8)) }
        #expect(throws: DecodingError.self) { try ServerMessage.decode(Data(String(repeating: "[", count: 100_000).utf8)) }
    }
}
