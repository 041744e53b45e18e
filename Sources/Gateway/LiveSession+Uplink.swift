extension LiveSession {
    /// Tells the uplink pump what the session's state means for captured audio: written on the
    /// connection while active, held for the next connection while the session resumes, dropped
    /// (and counted) otherwise. Called whenever the state may have changed (``reportState()``).
    func routeUplink() {
        if closeCause == nil, state == .active, let connection {
            uplink.route(.send(connection))
        } else if link.holdsInput {
            uplink.route(.hold)
        } else {
            uplink.route(.drop)
        }
    }
}
