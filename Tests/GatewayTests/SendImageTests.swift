import BusTestSupport
import Foundation
import Gateway
import LiveProtocol
import Testing

/// SendImage: a still image checked by its bytes, sent as realtimeInput.video, seen by the model.
@Suite("SendImage")
struct SendImageTests {
    typealias G = GatewayHarness
    typealias V = VideoHarness

    /// busctl's arguments for an `ay` of `bytes`.
    static func byteArguments(_ bytes: [UInt8]) -> [String] {
        [String(bytes.count)] + bytes.map { String($0) }
    }

    func call(_ gateway: GatewayHarness, _ path: String, _ bytes: [UInt8], _ mimeType: String) async throws -> ClientTool.Result {
        try await ClientTool.run(
            ["busctl", "--address=\(gateway.bus.address)", "call", G.name, path, G.sessionInterface, "SendImage", "ays"]
                + Self.byteArguments(bytes) + [mimeType], bus: gateway.bus)
    }

    @Test("a PNG goes out as image/png; the model sees a 320x240 blue picture; counters count it")
    func png() async throws {
        let image = try [UInt8](Data(contentsOf: URL(fileURLWithPath: V.fixture("Tests/Fixtures/video/blue-320x240.png"))))
        try await G.with { gateway in
            let path = try await V.startSession(gateway)
            let sent = try await call(gateway, path, image, "image/png")
            #expect(sent.status == 0, "\(sent.stderr)")
            // The reply to SendImage means the frame left the gateway; the simulator records it
            // once it has read it.
            #expect(await eventually(timeout: .seconds(5)) { !V.pictures(gateway).isEmpty })
            #expect(V.pictures(gateway).map(\.mimeType) == ["image/png"])
            #expect(V.pictures(gateway).first?.data == Data(image), "the bytes as given")
            #expect(try await V.count(gateway, path, "VideoFramesSent") == 1)
            #expect(try await V.count(gateway, path, "VideoBytesSent") == UInt64(image.count))
            let reply = try await V.ask(gateway, path)
            #expect(reply.contains("I see a 320x240 image, mostly blue."), "\(reply)")
        }
    }

    @Test("wrong type, no image, damaged header, empty: InvalidArgs naming the problem; nothing is sent")
    func refused() async throws {
        let image = try [UInt8](Data(contentsOf: URL(fileURLWithPath: V.fixture("Tests/Fixtures/video/blue-320x240.png"))))
        try await G.with { gateway in
            let path = try await V.startSession(gateway)
            let cases: [([UInt8], String, String)] = [
                (image, "image/jpeg", "the bytes are a PNG"),
                (Array("GIF89a......".utf8), "", "neither"),
                ([0xFF, 0xD8, 0xFF, 0xE0, 0, 0], "image/jpeg", "cannot be read"),
                (Array(image.prefix(20)), "image/png", "cannot be read"),
                (image, "image/webp", "mime_type must be"),
            ]
            for (bytes, mimeType, expected) in cases {
                let result = try await call(gateway, path, bytes, mimeType)
                #expect(result.status != 0)
                #expect(result.stderr.contains(expected), "\(mimeType): \(result.stderr)")
            }
            let empty = try await gateway.gdbus(path, G.sessionInterface, "SendImage", "@ay []", "image/png")
            #expect(GDBusError(empty)?.name == "org.freedesktop.DBus.Error.InvalidArgs")
            #expect(V.pictures(gateway).isEmpty)
            #expect(try await V.count(gateway, path, "VideoFramesSent") == 0)
        }
    }
}
