import Foundation
import NIOCore
import NIOPosix
import Testing

/// A minimal HTTP/1.1 GET over plain TCP, for the model metadata endpoint and 404 checks.
enum HTTPGet {
    /// The status line's code and the body.
    struct Response: Sendable {
        var statusCode: Int
        var body: Data
    }

    /// GETs `url` (http://host:port/path?query) with `headers`; `upgrade` adds WebSocket upgrade headers.
    static func get(_ url: String, headers: [(String, String)] = [], upgrade: Bool = false) async throws
        -> (Data, Response)
    {
        let parsed = try #require(URLComponents(string: url))
        let host = parsed.host ?? "127.0.0.1"
        let port = parsed.port ?? 80
        var target = parsed.percentEncodedPath
        if let query = parsed.percentEncodedQuery { target += "?\(query)" }
        var request = "GET \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\n"
        if !upgrade { request += "Connection: close\r\n" }
        if upgrade {
            request += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        }
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        var received = Data()
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request))
            for try await chunk in inbound {
                received.append(contentsOf: chunk.readableBytesView)
                if let response = parse(received), response.body.count >= contentLength(received) { break }
            }
        }
        let response = try #require(parse(received))
        return (response.body, response)
    }

    private static func parse(_ data: Data) -> Response? {
        guard let split = data.firstRange(of: Data("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: data[..<split.lowerBound], as: UTF8.self)
        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return Response(statusCode: status, body: Data(data[split.upperBound...]))
    }

    private static func contentLength(_ data: Data) -> Int {
        let head = String(decoding: data.prefix(4096), as: UTF8.self).lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }) else {
            return 0
        }
        return Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
    }
}
