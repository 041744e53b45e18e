import CPipeWire
import Logging
import PipeWireShim
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A video capture stream on a PipeWire video node: a camera, a virtual camera, an OBS output,
/// or the screen-cast node a ScreenCast portal handed out (over the portal's own PipeWire socket).
///
/// PipeWire's process callback only keeps the newest buffer (see `pwshim_video_capture_new`);
/// ``latestFrame(after:)`` copies it out on the caller's thread, at the caller's rate, so
/// conversion and encoding never run on PipeWire's threads. ``events`` tells when the stream
/// runs and when it ends (the node went away, the portal closed the share, PipeWire stopped).
public final class VideoCapture: @unchecked Sendable {
    // @unchecked Sendable: `capture`, `registry`, `coreListener`, `core`, `resolved` and `closed`
    // are only touched under the PipeWire loop lock (every method below takes it; the C callbacks
    // run on the loop thread, which holds it); the rest is immutable or in `box` (a Mutex).

    /// Which node to capture.
    public enum Target: Sendable, Hashable, CustomStringConvertible {
        /// A node by its global id.
        case id(UInt32)
        /// A node by its `node.name`.
        case name(String)

        public var description: String {
            switch self {
            case .id(let id): "node \(id)"
            case .name(let name): "node \"\(name)\""
            }
        }
    }

    /// What happened to the stream.
    public enum Event: Sendable, Equatable {
        /// The stream runs; frames come.
        case streaming
        /// The stream ended for good (the reason in words); the capture is dead, close it.
        case ended(String)
    }

    /// Why a capture could not start.
    public enum OpenError: Error, Sendable, CustomStringConvertible {
        /// No video node matched; `available` names the video nodes there are.
        case nodeNotFound(Target, available: [String])
        /// PipeWire refused or failed.
        case pipeWire(AudioNodesError)

        public var description: String {
            switch self {
            case .nodeNotFound(let target, let available):
                "PipeWire has no video node \(target.description.dropFirst(5)); "
                    + (available.isEmpty ? "there is no video node at all." : "video nodes: \(available.joined(separator: ", ")).")
            case .pipeWire(let error): error.description
            }
        }
    }

    /// The stream's state changes; finishes after ``Event/ended(_:)`` or ``close()``.
    public let events: AsyncStream<Event>

    private let pipeWire: PipeWireLoop
    private let box: CallbackBox
    private var capture: OpaquePointer?
    private var registry: OpaquePointer?
    private var coreListener: OpaquePointer?
    /// The capture's own core (to the daemon, or over the portal's socket): PipeWire's reconnects
    /// of the shared core never pull proxies from under it.
    private var core: OpaquePointer?
    private var closed = false

    /// State the loop thread's callbacks share with the caller.
    final class CallbackBox: Sendable {
        struct State {
            var nodes: [UInt32: (name: String, mediaClass: String, serial: String?)] = [:]
            var syncSeq: Int32?
            var synced: CheckedContinuation<Void, Never>?
            var target: UInt32?
            var ended = false
        }
        let state = Mutex(State())
        let continuation: AsyncStream<Event>.Continuation
        let viaPortal: Bool

        init(continuation: AsyncStream<Event>.Continuation, viaPortal: Bool) {
            self.continuation = continuation
            self.viaPortal = viaPortal
        }

        func end(_ reason: String) {
            let first = state.withLock { state -> Bool in
                defer { state.ended = true }
                return !state.ended
            }
            guard first else { return }
            continuation.yield(.ended(reason))
            continuation.finish()
        }
    }

    /// Opens a capture of `target`, on PipeWire's shared core or, with `remoteFD` (the socket
    /// `OpenPipeWireRemote` returned; the capture owns it from then on), on a core of its own.
    /// `name` becomes the stream's `node.name`.
    public static func open(
        pipeWire: PipeWireLoop, target: Target, remoteFD: Int32? = nil, name: String, role: String,
        timeout: Duration = .seconds(5)
    ) async throws(OpenError) -> VideoCapture {
        let capture = try VideoCapture(pipeWire: pipeWire, remoteFD: remoteFD)
        do {
            try await capture.start(target: target, name: name, role: role, timeout: timeout)
        } catch {
            capture.close()
            throw error
        }
        return capture
    }

    private init(pipeWire: PipeWireLoop, remoteFD: Int32?) throws(OpenError) {
        self.pipeWire = pipeWire
        let (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(4))
        self.events = events
        box = CallbackBox(continuation: continuation, viaPortal: remoteFD != nil)
        try pipeWire.withLock { () throws(OpenError) in
            let core: OpaquePointer
            do throws(AudioNodesError) {
                core = try pipeWire.connectOwnCoreLocked(fd: remoteFD)
            } catch {
                throw .pipeWire(error)
            }
            self.core = core
            let opaque = Unmanaged.passUnretained(box).toOpaque()
            coreListener = pwshim_core_listener_new(core, { data, id, _, result, message in
                guard let data else { return }
                let box = Unmanaged<CallbackBox>.fromOpaque(data).takeUnretainedValue()
                // Only a broken connection ends the capture: PipeWire also reports protocol
                // complaints ("unknown resource 3 op:4") on id 0 that leave the stream running.
                guard id == 0, result == -EPIPE || result == -ECONNRESET || result == -ENOTCONN else { return }
                let text = message.map { String(cString: $0) } ?? ""
                let connection = box.viaPortal ? "the portal's PipeWire connection" : "the PipeWire connection"
                box.end("\(connection) failed (\(text.isEmpty ? "error \(result)" : text))")
            }, { data, id, seq in
                guard let data else { return }
                let box = Unmanaged<CallbackBox>.fromOpaque(data).takeUnretainedValue()
                let waiter = box.state.withLock { state -> CheckedContinuation<Void, Never>? in
                    guard id == 0, state.syncSeq == seq else { return nil }
                    defer { state.synced = nil }
                    return state.synced
                }
                waiter?.resume()
            }, opaque)
            registry = pwshim_registry_new(core, { data, id, type, properties in
                guard let data, let type, String(cString: type) == "PipeWire:Interface:Node" else { return }
                let values = [String: String](spaDictionary: properties)
                let mediaClass = values[PW_KEY_MEDIA_CLASS] ?? ""
                guard mediaClass.contains("Video") else { return }
                let box = Unmanaged<CallbackBox>.fromOpaque(data).takeUnretainedValue()
                box.state.withLock { $0.nodes[id] = (values[PW_KEY_NODE_NAME] ?? "", mediaClass, values[PW_KEY_OBJECT_SERIAL]) }
            }, { data, id in
                guard let data else { return }
                let box = Unmanaged<CallbackBox>.fromOpaque(data).takeUnretainedValue()
                let wasTarget = box.state.withLock { state -> Bool in
                    state.nodes[id] = nil
                    return state.target == id
                }
                if wasTarget { box.end("the video node went away") }
            }, opaque)
            guard coreListener != nil, registry != nil else {
                throw .pipeWire(AudioNodesError("pw_core_get_registry", result: -12))
            }
        }
    }

    private func start(target: Target, name: String, role: String, timeout: Duration) async throws(OpenError) {
        // A round trip: every node that exists has been announced when it returns.
        let synced: Bool = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                    // The waiter is registered before the loop lock is released: the loop thread
                    // dispatches `done` only once it holds the lock, so the answer cannot pass by.
                    let resumeNow = self.pipeWire.withLock { () -> Bool in
                        guard let core = self.core else { return true }
                        let seq = pwshim_core_sync(core)
                        guard seq >= 0 else { return true }
                        self.box.state.withLock { state in
                            state.syncSeq = seq
                            state.synced = waiter
                        }
                        return false
                    }
                    if resumeNow { waiter.resume() }
                }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            if !first {
                // Release the sync waiter so that its task ends.
                let waiter = self.box.state.withLock { state -> CheckedContinuation<Void, Never>? in
                    defer { state.synced = nil }
                    return state.synced
                }
                waiter?.resume()
            }
            group.cancelAll()
            return first
        }
        guard synced else {
            throw .pipeWire(AudioNodesError("pw_core_sync", reason: "PipeWire did not answer within \(timeout)"))
        }
        let nodes = box.state.withLock { $0.nodes }
        let found: (UInt32, String, String?)? = switch target {
        case .id(let id): nodes[id].map { (id, $0.name, $0.serial) }
        case .name(let wanted): nodes.first { $0.value.name == wanted }.map { ($0.key, $0.value.name, $0.value.serial) }
        }
        guard let (id, foundName, serial) = found else {
            throw .nodeNotFound(target, available: nodes.sorted { $0.key < $1.key }.map { "\($0.value.name) (id \($0.key))" })
        }
        box.state.withLock { $0.target = id }
        try pipeWire.withLock { () throws(OpenError) in
            guard let core else { throw .pipeWire(AudioNodesError("pw_stream_new", reason: "the capture is closed")) }
            // `target.object` takes the node's object.serial (or its name), never its global id:
            // WirePlumber reads a number there as a serial, and with the id it linked nothing (or
            // another node). Without a serial the id argument of pw_stream_connect is the target.
            let properties = NodeProperties(entries: [
                (PW_KEY_MEDIA_TYPE, "Video"), (PW_KEY_MEDIA_CATEGORY, "Capture"), (PW_KEY_MEDIA_ROLE, role),
                (PW_KEY_NODE_NAME, name), (PW_KEY_NODE_DESCRIPTION, "Gemini Live video input"),
                (PW_KEY_APP_NAME, "gemini-live-gateway"), ("node.dont-reconnect", "true"),
            ] + (serial.map { [(PW_KEY_TARGET_OBJECT, $0)] } ?? []))
            guard let pwProperties = properties.makePipeWireProperties() else {
                throw .pipeWire(AudioNodesError("pw_properties_new"))
            }
            var result: Int32 = 0
            capture = pwshim_video_capture_new(core, pwProperties, id, { data, _, state, error in
                guard let data else { return }
                let box = Unmanaged<CallbackBox>.fromOpaque(data).takeUnretainedValue()
                switch state {
                case PW_STREAM_STATE_STREAMING:
                    box.continuation.yield(.streaming)
                case PW_STREAM_STATE_ERROR:
                    box.end("the video stream failed: \(error.map { String(cString: $0) } ?? "unknown error")")
                default:
                    break
                }
            }, Unmanaged.passUnretained(box).toOpaque(), &result)
            guard capture != nil else {
                throw .pipeWire(AudioNodesError("pw_stream_connect", result: result))
            }
            resolved = (id, foundName)
        }
    }

    private var resolved: (id: UInt32, name: String) = (SPA_ID_INVALID, "")

    /// The node the capture follows: its global id and `node.name`.
    public var node: (id: UInt32, name: String) { pipeWire.withLock { resolved } }

    /// A copy of the newest frame if it is newer than `sequence`, else nil. Takes the loop lock
    /// for the copy (about 1 ms for 1280 × 720 BGRx); call it at the rate frames are wanted.
    public func latestFrame(after sequence: UInt64) -> VideoFrame? {
        pipeWire.withLock { () -> VideoFrame? in
            guard let capture, !closed else { return nil }
            var info = pwshim_video_frame()
            guard pwshim_video_capture_peek(capture, sequence, &info) == 1,
                  let format = VideoPixelFormat(spa: info.format), info.size > 0
            else { return nil }
            var copied = false
            let bytes = [UInt8](unsafeUninitializedCapacity: info.size) { buffer, count in
                copied = pwshim_video_capture_copy(capture, buffer.baseAddress, info.size) == 0
                count = copied ? info.size : 0
            }
            guard copied else { return nil }
            let offsets = [info.offsets.0, info.offsets.1, info.offsets.2]
            let strides = [info.strides.0, info.strides.1, info.strides.2]
            let planes = (0..<Int(min(info.planes, 3))).map { VideoPlane(offset: Int(offsets[$0]), stride: Int(strides[$0])) }
            return VideoFrame(
                bytes: bytes, width: Int(info.width), height: Int(info.height), format: format, planes: planes,
                sequence: info.sequence)
        }
    }

    /// Buffers PipeWire delivered, and those skipped because their memory could not be mapped
    /// (a DMA-BUF the producer did not make mappable).
    public var counters: (delivered: UInt64, unmappable: UInt64) {
        pipeWire.withLock {
            guard let capture else { return (0, 0) }
            return (pwshim_video_capture_frames(capture), pwshim_video_capture_unmappable(capture))
        }
    }

    /// Destroys the stream (and the portal's core). Idempotent.
    public func close() {
        pipeWire.withLock {
            guard !closed else { return }
            closed = true
            pwshim_video_capture_free(capture)
            capture = nil
            pwshim_registry_free(registry)
            registry = nil
            pwshim_core_listener_free(coreListener)
            coreListener = nil
            if let core { pw_core_disconnect(core) }
            core = nil
        }
        box.end("the share was stopped")
    }

    deinit {
        close()
    }
}
