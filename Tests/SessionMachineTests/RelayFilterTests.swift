import Foundation
import LiveClient
import LiveProtocol
import Testing

@testable import Gateway

/// Which of the service's frames a local endpoint client gets, and which close it sees.
@Suite struct RelayFilterTests {
    static func event(_ json: String) throws -> LiveEvent {
        .message(try ServerMessage.decode(Data(json.utf8)))
    }

    @Test("content, tool calls, usage and transcripts reach the client")
    func forwarded() throws {
        for json in [
            #"{"serverContent": {"modelTurn": {"parts": [{"text": "hi"}]}}}"#,
            #"{"serverContent": {"turnComplete": true}, "usageMetadata": {"totalTokenCount": 3}}"#,
            #"{"toolCall": {"functionCalls": [{"id": "1", "name": "f", "args": {}}]}}"#,
            #"{"toolCallCancellation": {"ids": ["1"]}}"#,
            #"{"serverContent": {"outputTranscription": {"text": "hi"}}}"#,
        ] {
            #expect(RelayFilter.withheld(try Self.event(json), clientAskedForResumption: false) == nil, "\(json)")
        }
    }

    @Test("a goAway is the gateway's to act on: the client never sees it")
    func goAway() throws {
        let goAway = try Self.event(#"{"goAway": {"timeLeft": "50s"}}"#)
        #expect(RelayFilter.withheld(goAway, clientAskedForResumption: true) == .goAway)
        #expect(RelayFilter.withheld(goAway, clientAskedForResumption: false) == .goAway)
    }

    @Test("resumption updates reach a client that asked for resumption, and only such a client")
    func resumptionUpdates() throws {
        let update = try Self.event(#"{"sessionResumptionUpdate": {"newHandle": "h", "resumable": true}}"#)
        #expect(RelayFilter.withheld(update, clientAskedForResumption: true) == nil)
        #expect(RelayFilter.withheld(update, clientAskedForResumption: false) == .resumptionUpdate)
    }

    @Test("the service's close reaches the client unchanged")
    func serviceClose() {
        let close = RelayFilter.clientClose(
            code: 1008, reason: "BidiGenerateContent session not found", explanation: "The handle is unknown.")
        #expect(close.code == 1008)
        #expect(close.reason == "BidiGenerateContent session not found")
    }

    @Test("a drop without a close becomes the gateway's 1011 with its explanation, within 123 bytes")
    func drop() {
        let explanation = String(repeating: "The connection could not be resumed. ", count: 10)
        for code: UInt32 in [1005, 1006, 1015, 0, 5000] {
            let close = RelayFilter.clientClose(code: code, reason: "", explanation: explanation)
            #expect(close.code == 1011, "\(code)")
            #expect(close.reason.hasPrefix("gateway: The connection could not be resumed."))
            #expect(close.reason.utf8.count <= 123)
        }
    }

    @Test("a close without a reason carries the gateway's explanation")
    func emptyReason() {
        let close = RelayFilter.clientClose(code: 1000, reason: "", explanation: "The gateway is shutting down.")
        #expect(close.code == 1000)
        #expect(close.reason == "gateway: The gateway is shutting down.")
    }
}
