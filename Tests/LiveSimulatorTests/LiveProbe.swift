import Foundation
import HTTPTypes
import LiveProtocol
import Logging
import NIOCore
import NIOSSL
import NIOWebSocket
import Synchronization
import WSClient
import WSCore

/// A raw WebSocket client for poking the simulator: sends JSON text (or any frame), keeps every
/// frame it receives, and reports the close code and reason.
final class LiveProbe: Sendable {
    /// One frame from the simulator.
    struct Frame: Sendable {
        var isBinary: Bool
        var bytes: Data
        var message: ServerMessage? { try? ServerMessage.decode(bytes) }
    }

    private let frames = Mutex<[Frame]>([])
    private let ended = Mutex(false)
    let outbound: WebSocketOutboundWriter

    init(outbound: WebSocketOutboundWriter) {
        self.outbound = outbound
    }

    var received: [Frame] { frames.withLock { $0 } }
    var messages: [ServerMessage] { received.compactMap(\.message) }
    var isEnded: Bool { ended.withLock { $0 } }

    func append(_ frame: Frame) { frames.withLock { $0.append(frame) } }
    func markEnded() { ended.withLock { $0 = true } }

    /// Sends a text frame.
    func send(_ json: String) async throws { try await outbound.write(.text(json)) }

    /// Sends a setup for `model` with extra setup fields (JSON members without braces).
    func sendSetup(model: String = "models/gemini-3.8-live", _ extra: String = "") async throws {
        let rest = extra.isEmpty ? "" : ", \(extra)"
        try await send(#"{"setup": {"model": "\#(model)"\#(rest)}}"#)
    }

    /// Sends a text user turn.
    func sendText(_ text: String) async throws {
        let encoded = String(decoding: try JSONEncoder().encode(text), as: UTF8.self)
        try await send(#"{"clientContent": {"turns": [{"role": "user", "parts": [{"text": \#(encoded)}]}], "turnComplete": true}}"#)
    }

    /// Streams 16 kHz `samples` as `audio/pcm;rate=16000` chunks of `chunkMilliseconds`.
    func sendAudio(_ samples: [Int16], chunkMilliseconds: Int = 100, pause: Duration = .zero) async throws {
        let chunk = 16 * chunkMilliseconds
        var start = 0
        while start < samples.count {
            let end = min(samples.count, start + chunk)
            let data = TestAudio.data(Array(samples[start..<end]))
            try await send(#"{"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": "\#(data.base64EncodedString())"}}}"#)
            start = end
            if pause > .zero { try await Task.sleep(for: pause) }
        }
    }

    /// Waits until `condition` holds for the messages so far.
    @discardableResult
    func wait(
        timeout: Duration = .seconds(10), for condition: ([ServerMessage]) -> Bool,
        sourceLocation: SourceLocationHint = .init()
    ) async throws -> [ServerMessage] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let current = messages
            if condition(current) { return current }
            if isEnded { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        let current = messages
        if condition(current) { return current }
        throw ProbeTimeout(messages: current.count, line: sourceLocation.line)
    }

    /// Waits for `count` messages matching `predicate`.
    @discardableResult
    func wait(count: Int, timeout: Duration = .seconds(10), _ predicate: @escaping (ServerMessage) -> Bool) async throws
        -> [ServerMessage]
    {
        try await wait(timeout: timeout) { $0.filter(predicate).count >= count }
    }

    /// Waits for the simulator to end the connection.
    func waitForEnd(timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !isEnded {
            guard ContinuousClock.now < deadline else { throw ProbeTimeout(messages: messages.count, line: 0) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// Where a source location is reported from.
struct SourceLocationHint: Sendable {
    var line: Int
    init(line: Int = #line) { self.line = line }
}

/// A wait that timed out.
struct ProbeTimeout: Error, CustomStringConvertible {
    var messages: Int
    var line: Int
    var description: String { "timed out after \(messages) messages (waiting at line \(line))" }
}

/// What a probe connection ended with.
struct ProbeResult: Sendable {
    var frames: [LiveProbe.Frame]
    var closeCode: UInt16?
    var closeReason: String?
    var messages: [ServerMessage] { frames.compactMap(\.message) }
}

enum Probe {
    static let logger: Logger = {
        var logger = Logger(label: "probe")
        logger.logLevel = .critical
        return logger
    }()

    /// Connects to `url`, runs `script`, closes normally if the simulator has not closed, and
    /// returns what was received and how the connection closed.
    static func run(
        _ url: String, headers: HTTPFields = [:], tls: TLSConfiguration? = nil,
        _ script: @escaping @Sendable (LiveProbe) async throws -> Void = { _ in }
    ) async throws -> ProbeResult {
        let box = Mutex<LiveProbe?>(nil)
        var configuration = WebSocketClientConfiguration(maxFrameSize: 32 << 20, additionalHeaders: headers)
        configuration.closeTimeout = .seconds(1)
        let close = try await WebSocketClient.connect(
            url: url, configuration: configuration, tlsConfiguration: tls, logger: logger
        ) { inbound, outbound, _ in
            let probe = LiveProbe(outbound: outbound)
            box.withLock { $0 = probe }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { probe.markEnded() }
                    for try await message in inbound.messages(maxSize: 32 << 20) {
                        switch message {
                        case .binary(let buffer): probe.append(.init(isBinary: true, bytes: Data(buffer.readableBytesView)))
                        case .text(let text): probe.append(.init(isBinary: false, bytes: Data(text.utf8)))
                        }
                    }
                }
                var failure: (any Error)?
                do { try await script(probe) } catch { failure = error }
                if !probe.isEnded { try? await outbound.close(.normalClosure, reason: "probe done") }
                let deadline = ContinuousClock.now + .seconds(2)
                while !probe.isEnded, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
                group.cancelAll()
                if let failure { throw failure }
            }
        }
        let frames = box.withLock { $0?.received } ?? []
        return ProbeResult(
            frames: frames, closeCode: close.map { UInt16(webSocketErrorCode: $0.closeCode) }, closeReason: close?.reason)
    }
}
