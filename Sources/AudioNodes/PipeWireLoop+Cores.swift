import CPipeWire
import PipeWireShim

extension PipeWireLoop {
    /// A core of its own on the shared context (and loop): to the configured daemon, or over
    /// `fd` (a socket the ScreenCast portal opened; the core owns it from then on). The caller
    /// owns the core and disconnects it under the lock; the loop's reconnects leave it alone.
    func connectOwnCoreLocked(fd: Int32?) throws(AudioNodesError) -> OpaquePointer {
        if let fd {
            guard let core = pwshim_context_connect_fd(context, fd) else {
                throw AudioNodesError("pw_context_connect_fd", result: negativeErrno())
            }
            return core
        }
        var properties: UnsafeMutablePointer<pw_properties>?
        if let remote = configuration.remote {
            properties = pw_properties_new_string("")
            pw_properties_set(properties, PW_KEY_REMOTE_NAME, remote)
        }
        guard let core = pw_context_connect(context, properties, 0) else {
            throw AudioNodesError("pw_context_connect", result: negativeErrno())
        }
        return core
    }
}
