import BusTestSupport
import Foundation
import Testing

extension EchoRoomTests {
    @Test("CheckEcho in the virtual room: the room's devices, a delay of its 40 ms plus buffering, echo removed; its nodes leave the graph")
    func checkEcho() async throws {
        try await Self.withRoom { desktop, gateway in
            let result = try await gateway.gdbus(G.manager, G.managerInterface, "CheckEcho")
            #expect(result.status == 0, "\(result.stderr)")
            let reply = result.stdout
            #expect(reply.contains("'microphone': <'echo-room-microphone'>"), "\(reply)")
            #expect(reply.contains("'speakers': <'echo-room-speakers'>"), "\(reply)")
            let delay = try #require(Self.replyNumber("delay_ms", in: reply))
            let erle = try #require(Self.replyNumber("erle_db", in: reply))
            let raw = try #require(Self.replyNumber("raw_echo_dbfs", in: reply))
            print("echo check in the room: delay \(delay) ms, echo removed \(erle) dB, raw \(raw) dBFS")
            #expect((40...300).contains(delay), "the room's 40 ms and PipeWire's buffering: \(reply)")
            // The −10 dBFS sweep through the room's −6 dB: about −19 dBFS RMS.
            #expect((-25 ... -10).contains(raw), "\(reply)")
            #expect(erle > 6, "the canceller removes some echo: \(reply)")
            try await waitUntil("the check's nodes left the graph") {
                try !desktop.nodes().keys.contains { $0.hasPrefix("gemini-live-echo-check") }
            }
        }
    }

    /// A `d` value of gdbus's printed `a{sv}`, e.g. `'erle_db': <35.2>`.
    static func replyNumber(_ key: String, in reply: String) -> Double? {
        guard let range = reply.range(of: "'\(key)': <") else { return nil }
        let rest = reply[range.upperBound...]
        return Double(rest.prefix { $0 != ">" })
    }
}
