import CPipeWire
import Logging
import PipeWireShim
import Synchronization

/// The process's one connection to PipeWire: a context and a core on a `pw_thread_loop`.
///
/// PipeWire's loop thread (and its realtime data thread) are the only threads this module
/// starts. Every other `pw_*` call is made under the loop lock (``withLock(_:)``). Create one
/// `PipeWireLoop` per process, share it between sessions, and ``close()`` it at shutdown after
/// every node is closed.
///
/// When the PipeWire daemon goes away the core reports an error; ``connectionState`` turns to
/// ``PipeWireConnectionState/disconnected(reason:)`` and ``connectionStates`` yields it. The nodes
/// of the old connection are then dead: call ``reconnect()`` and create them again.
///
/// ``graph`` watches the graph on the same connection (a registry listener made when the core
/// connects and made again by ``reconnect()``).
public final class PipeWireLoop: @unchecked Sendable {
    /// How to reach PipeWire.
    public struct Configuration: Sendable {
        /// The daemon's socket: a name under `$PIPEWIRE_RUNTIME_DIR`/`$XDG_RUNTIME_DIR`, or an
        /// absolute path. `nil` uses PipeWire's default (`$PIPEWIRE_REMOTE` or `pipewire-0`).
        public var remote: String?
        /// The name of PipeWire's loop thread.
        public var threadName: String

        /// A configuration for the default daemon.
        public init(remote: String? = nil, threadName: String = "gemini-live-pw") {
            self.remote = remote
            self.threadName = threadName
        }
    }

    private static let initialized: Bool = {
        pw_init(nil, nil)
        return true
    }()

    let threadLoop: OpaquePointer
    /// The loop of the thread loop (non-realtime); event and timer sources live here.
    let loop: UnsafeMutablePointer<pw_loop>
    /// The context; modules load into it (``EchoCanceller``) and video captures connect extra
    /// cores on it (a portal's socket).
    let context: OpaquePointer
    /// The registry view behind ``graph``.
    let registry: GraphRegistry
    let configuration: Configuration
    private let logger: Logger
    // Guarded by the thread loop lock.
    private var core: OpaquePointer?
    private var coreListener: OpaquePointer?
    private var closed = false

    private let state: Mutex<PipeWireConnectionState>
    private let stateContinuation: AsyncStream<PipeWireConnectionState>.Continuation

    /// Each change of ``connectionState``, for one observer.
    public let connectionStates: AsyncStream<PipeWireConnectionState>

    /// Connects to PipeWire and starts its loop thread.
    public init(configuration: Configuration = .init(), logger: Logger = Logger(label: "AudioNodes")) throws(AudioNodesError) {
        _ = Self.initialized
        self.configuration = configuration
        self.logger = logger
        (connectionStates, stateContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(8))
        state = Mutex(.disconnected(reason: "not connected yet"))
        guard let threadLoop = pw_thread_loop_new(configuration.threadName, nil) else {
            throw AudioNodesError("pw_thread_loop_new")
        }
        let loop = pw_thread_loop_get_loop(threadLoop)
        guard let loop, let context = pw_context_new(loop, nil, 0) else {
            pw_thread_loop_destroy(threadLoop)
            throw AudioNodesError("pw_context_new")
        }
        self.threadLoop = threadLoop
        self.loop = loop
        self.context = context
        // PipeWire 0.3.65 (Debian 12) leaves the realtime data thread unnamed, so it inherits the
        // name of the Swift pool thread that creates the context ("oot.default-qos"): `top -H`,
        // `ps -L` and bench-audio's CPU by thread would count the realtime audio work as the pool's.
        if pwshim_name_data_thread(context) < 0 { logger.debug("PipeWire's data thread keeps its inherited name") }
        registry = GraphRegistry(loop: loop, logger: logger)
        let started = pw_thread_loop_start(threadLoop)
        guard started == 0 else {
            pw_context_destroy(context)
            pw_thread_loop_destroy(threadLoop)
            throw AudioNodesError("pw_thread_loop_start", result: started)
        }
        do {
            try withLock { () throws(AudioNodesError) in try connectLocked() }
        } catch {
            close()
            throw error
        }
    }

    deinit {
        close()
    }

    /// The daemon's socket this loop connects to (``Configuration/remote``), nil for the default.
    var remoteName: String? { configuration.remote }

    /// The current connection state.
    public var connectionState: PipeWireConnectionState {
        state.withLock { $0 }
    }

    /// The applications playing audio, and routing them into a session's sink.
    public var graph: PipeWireGraph { PipeWireGraph(pipeWire: self) }

    /// Runs `body` holding the thread loop lock (reentrant; not from the realtime thread).
    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pw_thread_loop_lock(threadLoop)
        defer { pw_thread_loop_unlock(threadLoop) }
        return try body()
    }

    /// The core, for creating streams; call under the lock.
    func coreLocked() throws(AudioNodesError) -> OpaquePointer {
        guard let core, !closed else { throw AudioNodesError("PipeWire is not connected", result: -107) }
        return core
    }

    /// Drops the old core (if any) and connects a new one; the nodes of the old core are gone.
    public func reconnect() throws(AudioNodesError) {
        try withLock { () throws(AudioNodesError) in
            disconnectLocked()
            try connectLocked()
        }
    }

    /// Disconnects and stops the loop thread. Close every node first. Idempotent.
    public func close() {
        let wasOpen = withLock { () -> Bool in
            guard !closed else { return false }
            closed = true
            disconnectLocked()
            return true
        }
        guard wasOpen else { return }
        pw_thread_loop_stop(threadLoop)
        pw_context_destroy(context)
        pw_thread_loop_destroy(threadLoop)
        publish(.disconnected(reason: "closed"))
        stateContinuation.finish()
    }

    private func connectLocked() throws(AudioNodesError) {
        var properties: UnsafeMutablePointer<pw_properties>?
        if let remote = configuration.remote {
            properties = pw_properties_new_string("")
            pw_properties_set(properties, PW_KEY_REMOTE_NAME, remote)
        }
        guard let core = pw_context_connect(context, properties, 0) else {
            throw AudioNodesError("pw_context_connect", result: negativeErrno())
        }
        self.core = core
        self.coreListener = pwshim_core_listener_new(core, { data, id, _, result, message in
            guard let data else { return }
            let me = Unmanaged<PipeWireLoop>.fromOpaque(data).takeUnretainedValue()
            me.coreError(id: id, result: result, message: message.map { String(cString: $0) } ?? "")
        }, { data, id, seq in
            guard let data else { return }
            Unmanaged<PipeWireLoop>.fromOpaque(data).takeUnretainedValue().registry.doneLocked(id: id, seq: seq)
        }, Unmanaged.passUnretained(self).toOpaque())
        do {
            try registry.attachLocked(core: core)
        } catch {
            disconnectLocked()
            throw error
        }
        publish(.connected)
    }

    private func disconnectLocked() {
        registry.detachLocked(reason: "PipeWire connection closed")
        pwshim_core_listener_free(coreListener)
        coreListener = nil
        if let core {
            pw_core_disconnect(core)
        }
        core = nil
    }

    /// Runs on the loop thread. Errors about the core itself (id 0) mean the connection is gone.
    private func coreError(id: UInt32, result: Int32, message: String) {
        let text = pwshim_strerror(result).map { String(cString: $0) } ?? "error \(result)"
        logger.warning("PipeWire error", metadata: ["id": "\(id)", "error": "\(text)", "message": "\(message)"])
        if id == 0 {
            let reason = message.isEmpty ? text : "\(text): \(message)"
            registry.failSyncsLocked(reason: reason)
            publish(.disconnected(reason: reason))
        }
    }

    private func publish(_ new: PipeWireConnectionState) {
        let changed = state.withLock { current -> Bool in
            guard current != new else { return false }
            current = new
            return true
        }
        if changed {
            stateContinuation.yield(new)
        }
    }
}
