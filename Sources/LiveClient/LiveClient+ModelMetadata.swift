import Foundation
import LiveProtocol
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

extension LiveClient {
    /// The most of a model metadata body that is kept (a real answer is about 1 KB).
    public static let modelMetadataBodyLimit = 256 * 1024

    /// The model metadata URL of `model` on an endpoint: `https://HOST/{version}/models/{id}` for
    /// the Gemini API's `wss://HOST` (`http://` for a loopback `ws://` simulator), nil for endpoints
    /// that have no such resource (Vertex AI, a verbatim URL).
    public static func modelMetadataURL(model: String, endpoint: LiveEndpoint) -> String? {
        guard endpoint.isGeminiAPI, let components = URLComponents(string: endpoint.baseURL),
              let scheme = components.scheme, let host = components.host, !host.isEmpty else { return nil }
        let http: String
        switch scheme {
        case "wss", "https": http = "https"
        case "ws", "http": http = "http"
        default: return nil
        }
        let bare = Setup(model: model).modelID
        guard !bare.isEmpty, bare.allSatisfy({ $0.isLetter || $0.isNumber || "-._".contains($0) }) else { return nil }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(http)://\(bracketed)\(port)/\(endpoint.apiVersion)/models/\(bare)"
    }

    /// Asks the endpoint's model metadata resource about `model` with the endpoint's credential
    /// (in its headers, never in the URL): one HTTP/1.1 `GET` over TLS (plain HTTP to loopback only),
    /// on NIO, with the same trust roots as the Live connections.
    ///
    /// - Throws: ``LiveClientError/invalidURL(_:)`` when the endpoint has no metadata URL or is
    ///   plain HTTP off loopback (the rules of ``LiveClient/withConnection(setup:configuration:logger:_:)``); ``LiveClientError/connectFailed(_:)`` when TCP, TLS or HTTP failed
    ///   or `timeout` passed.
    public static func modelMetadata(
        model: String, configuration: LiveClientConfiguration, timeout: Duration = .seconds(10)
    ) async throws(LiveClientError) -> ModelMetadataResponse {
        guard let url = modelMetadataURL(model: model, endpoint: configuration.endpoint),
              let components = URLComponents(string: url), let host = components.host else {
            throw .invalidURL(
                "The endpoint \(configuration.endpoint.baseURL) has no model metadata resource (only the Gemini API and its simulator have one).")
        }
        let secure = components.scheme == "https"
        try validate(url: configuration.endpoint.url)
        let port = components.port ?? (secure ? 443 : 80)
        let target = components.percentEncodedPath
        let hostHeader = components.port.map { "\(host):\($0)" } ?? host
        let sslContext: NIOSSLContext?
        do {
            sslContext = secure ? try configuration.sharedTLSContext() : nil
        } catch {
            throw .connectFailed("TLS could not be set up for \(url): \(error)")
        }
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target)
        head.headers.add(name: "Host", value: hostHeader)
        head.headers.add(name: "Accept", value: "application/json")
        head.headers.add(name: "Connection", value: "close")
        for header in configuration.endpoint.headers { head.headers.add(name: header.name, value: header.value) }
        let request = head
        do {
            return try await withThrowingTaskGroup(of: ModelMetadataResponse?.self) { group in
                group.addTask {
                    try await get(
                        request, host: host, port: port, url: url, sslContext: sslContext, timeout: timeout)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else {
                    throw LiveClientError.connectFailed("\(url) did not answer within \(timeout).")
                }
                return response
            }
        } catch let error as LiveClientError {
            throw error
        } catch {
            throw .connectFailed("GET \(url) failed: \(error)")
        }
    }

    private static func get(
        _ request: HTTPRequestHead, host: String, port: Int, url: String, sslContext: NIOSSLContext?,
        timeout: Duration
    ) async throws -> ModelMetadataResponse {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(timeout.components.seconds * 1000))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: sslContext, serverHostname: host))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(.head(request))
            try await outbound.write(.end(nil))
            var status = 0
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let head):
                    status = Int(head.status.code)
                case .body(let buffer):
                    let room = modelMetadataBodyLimit - body.count
                    if room > 0 { body.append(contentsOf: buffer.readableBytesView.prefix(room)) }
                case .end:
                    return ModelMetadataResponse(url: url, status: status, body: body)
                }
            }
            throw LiveClientError.connectFailed("\(url) closed the connection before a whole response.")
        }
    }
}
