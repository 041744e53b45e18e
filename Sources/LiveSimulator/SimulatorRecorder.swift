import Foundation
import LiveProtocol
import Synchronization

/// What the simulator saw and sent, per WebSocket connection, for tests to read.
///
/// Connections are numbered from 1 in the order their WebSocket upgrade completed. Frames are kept
/// only when ``SimulatorConfiguration/recordsFrames`` is true; the rest (path, credential form,
/// close) always is. Credentials themselves are never kept.
public final class SimulatorRecorder: Sendable {
    private let state = Mutex<[Int: RecordedConnection]>([:])
    private let keepsFrames: Bool

    init(keepsFrames: Bool) {
        self.keepsFrames = keepsFrames
    }

    /// Every connection so far, by number.
    public var connections: [RecordedConnection] {
        state.withLock { $0.values.sorted { $0.number < $1.number } }
    }

    /// Connection `number` (from 1), if it has been opened.
    public func connection(_ number: Int) -> RecordedConnection? {
        state.withLock { $0[number] }
    }

    /// Waits until connection `number` exists and satisfies `condition`, polling every 10 ms;
    /// returns nil after `timeout`.
    public func waitForConnection(
        _ number: Int, timeout: Duration = .seconds(5),
        until condition: @Sendable (RecordedConnection) -> Bool = { _ in true }
    ) async -> RecordedConnection? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let connection = connection(number), condition(connection) { return connection }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return connection(number).flatMap { condition($0) ? $0 : nil }
    }

    func open(_ connection: RecordedConnection) {
        state.withLock { $0[connection.number] = connection }
    }

    func record(_ frame: RecordedFrame, connection number: Int) {
        guard keepsFrames else { return }
        state.withLock { $0[number]?.frames.append(frame) }
    }

    func update(connection number: Int, _ change: @Sendable (inout RecordedConnection) -> Void) {
        state.withLock { records in
            if var record = records[number] {
                change(&record)
                records[number] = record
            }
        }
    }
}

/// One WebSocket connection as the simulator recorded it.
public struct RecordedConnection: Sendable {
    /// 1 for the first connection, in upgrade order.
    public let number: Int
    /// The request path without its query (which may hold a key).
    public let path: String
    /// The names of the query parameters, sorted (values are not kept).
    public let queryNames: [String]
    /// How the credential was presented, if one was.
    public let credentialForm: CredentialForm?
    /// The frames in both directions, in order.
    public internal(set) var frames: [RecordedFrame] = []
    /// The close the simulator sent, if it sent one.
    public internal(set) var closeSent: CloseReason?
    /// True when the simulator dropped the TCP connection without a close frame.
    public internal(set) var dropped = false
    /// False once the connection has ended.
    public internal(set) var isOpen = true

    init(number: Int, path: String, queryNames: [String], credentialForm: CredentialForm?) {
        self.number = number
        self.path = path
        self.queryNames = queryNames
        self.credentialForm = credentialForm
    }

    /// The client's frames that decode as client messages, in order.
    public var clientMessages: [ClientMessage] {
        frames.filter { $0.direction == .fromClient }.compactMap { try? ClientMessage.decode($0.bytes) }
    }

    /// The simulator's frames that decode as server messages, in order.
    public var serverMessages: [ServerMessage] {
        frames.filter { $0.direction == .toClient }.compactMap { try? ServerMessage.decode($0.bytes) }
    }
}

/// One WebSocket data message (possibly reassembled from continuation frames).
public struct RecordedFrame: Sendable, Hashable {
    /// Who sent it.
    public enum Direction: Sendable, Hashable {
        /// Client → simulator.
        case fromClient
        /// Simulator → client.
        case toClient
    }

    /// The WebSocket opcode of the message.
    public enum Kind: Sendable, Hashable {
        /// Opcode 1.
        case text
        /// Opcode 2.
        case binary
    }

    /// Who sent it.
    public let direction: Direction
    /// Text or binary.
    public let kind: Kind
    /// The payload exactly as it went over the wire.
    public let bytes: Data
    /// When, counted from the WebSocket upgrade.
    public let offset: Duration

    /// The payload as UTF-8 text, if it is valid UTF-8.
    public var text: String? { String(validating: bytes, as: UTF8.self) }
}
