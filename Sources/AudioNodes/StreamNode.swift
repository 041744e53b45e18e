import CPipeWire
import PipeWireShim

/// One `pw_stream` on the shared core with a heap-allocated listener, the mechanics the sink and
/// the microphone share. Create, connect and destroy it under the loop lock.
final class StreamNode {
    private(set) var stream: OpaquePointer?
    private let events: UnsafeMutablePointer<pw_stream_events>
    private let hook: UnsafeMutablePointer<spa_hook>

    /// Creates and connects a mono S16LE stream at `rate`; `owner` receives the callbacks and
    /// must outlive the stream (``destroyLocked()`` ends them). With `autoconnect` the session
    /// manager links it (to its `target.object`, or the default device).
    init(
        core: OpaquePointer,
        properties: NodeProperties,
        direction: spa_direction,
        rate: UInt32,
        autoconnect: Bool = false,
        process: @convention(c) (UnsafeMutableRawPointer?) -> Void,
        stateChanged: @convention(c) (UnsafeMutableRawPointer?, pw_stream_state, pw_stream_state, UnsafePointer<CChar>?) -> Void,
        owner: UnsafeMutableRawPointer
    ) throws(AudioNodesError) {
        events = .allocate(capacity: 1)
        events.initialize(to: pw_stream_events())
        events.pointee.version = UInt32(PW_VERSION_STREAM_EVENTS)
        events.pointee.process = process
        events.pointee.state_changed = stateChanged
        hook = .allocate(capacity: 1)
        hook.initialize(to: spa_hook())

        let name = properties.entries.first { $0.0 == PW_KEY_NODE_NAME }?.1 ?? "gemini-live"
        guard let pwProperties = properties.makePipeWireProperties(),
              let stream = pw_stream_new(core, name, pwProperties)
        else {
            release()
            throw AudioNodesError("pw_stream_new", result: negativeErrno())
        }
        self.stream = stream
        pw_stream_add_listener(stream, hook, events, owner)

        var buffer = [UInt8](repeating: 0, count: 1024)
        let result = buffer.withUnsafeMutableBufferPointer { bytes -> Int32 in
            guard let format = pwshim_build_mono_format(bytes.baseAddress, bytes.count,
                                                        SPA_AUDIO_FORMAT_S16_LE.rawValue, rate)
            else { return -22 }
            var params: [UnsafePointer<spa_pod>?] = [format]
            let flags = pw_stream_flags(rawValue: PW_STREAM_FLAG_MAP_BUFFERS.rawValue
                | PW_STREAM_FLAG_RT_PROCESS.rawValue | (autoconnect ? PW_STREAM_FLAG_AUTOCONNECT.rawValue : 0))
            return pw_stream_connect(stream, direction, SPA_ID_INVALID, flags, &params, 1)
        }
        guard result >= 0 else {
            destroyLocked()
            throw AudioNodesError("pw_stream_connect", result: result)
        }
    }

    /// The node's global id once PipeWire assigned it, else nil.
    var nodeIDLocked: UInt32? {
        guard let stream else { return nil }
        let id = pw_stream_get_node_id(stream)
        return id == SPA_ID_INVALID ? nil : id
    }

    /// Destroys the stream (no callback runs after this returns) and frees the listener. Idempotent.
    func destroyLocked() {
        if let stream {
            spa_hook_remove(hook)
            pw_stream_destroy(stream)
            self.stream = nil
        }
        release()
    }

    private var released = false

    private func release() {
        guard !released else { return }
        released = true
        events.deinitialize(count: 1)
        events.deallocate()
        hook.deinitialize(count: 1)
        hook.deallocate()
    }
}
