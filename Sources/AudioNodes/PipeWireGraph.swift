/// The PipeWire graph as this process sees it: which applications play audio, and routing
/// them into a session's sink. Get it from ``PipeWireLoop/graph``.
///
/// The view is kept current by a registry listener on PipeWire's loop thread, so the queries
/// are snapshots that cost no round trip. Right after connecting, or right after creating a
/// node, await ``synchronize(timeout:)`` first for a complete picture.
///
/// Routing uses the session manager when one runs (WirePlumber: the stream's `target.object`
/// in the `default` metadata) and direct links otherwise; either way ``unroute(_:)`` or
/// ``unrouteAll(fromSink:)`` puts things back. A route whose app quits is forgotten, and the
/// routes into a sink that leaves the graph are undone.
public struct PipeWireGraph: Sendable {
    let pipeWire: PipeWireLoop

    /// Waits until the view holds every object that existed when it was called, with the
    /// properties of every playback stream: two round trips to the PipeWire daemon.
    public func synchronize(timeout: Duration = .seconds(5)) async throws(AudioNodesError) {
        let registry = pipeWire.registry
        let result = await withCheckedContinuation { continuation in
            pipeWire.withLock { registry.startSyncLocked(timeout: timeout, continuation: continuation) }
        }
        try result.get()
    }

    /// The applications playing audio (playback streams, `Stream/Output/Audio`), by node id,
    /// without this gateway's own nodes.
    public func applications() -> [AudioApplication] {
        pipeWire.withLock { pipeWire.registry.applicationsLocked() }
    }

    /// Whether a session manager runs (the `default` metadata exists), so that routes are moves
    /// it performs rather than links this process owns.
    public var hasSessionManager: Bool {
        pipeWire.withLock { pipeWire.registry.metadata != nil }
    }

    /// The routes this process made and has not undone.
    public func routes() -> [AppRoute] {
        pipeWire.withLock { pipeWire.registry.routes.values.map(\.route) }
            .sorted { $0.applicationNodeID < $1.applicationNodeID }
    }

    /// Routes the playback stream `nodeID` (from ``applications()``) into the sink named
    /// `sinkNodeName` with node id `sinkNodeID` (e.g. a ``SessionAudio/input``), instead of
    /// wherever it played. Routing an app that is already routed moves it.
    ///
    /// With a session manager, sets the stream's `target.object` in the `default` metadata to
    /// the sink's name, and the session manager moves the stream. Without one, links the
    /// app's output ports to the sink's input ports (a stereo app into a mono sink by its left
    /// channel only: linking both would sum them without gain and clip).
    ///
    /// - Throws: ``AudioNodesError`` when the node does not exist, is not a playback stream,
    ///   the sink is not in the graph (or has no ports yet, without a session manager), or
    ///   PipeWire refuses a link.
    @discardableResult
    public func route(application nodeID: UInt32, toSink sinkNodeName: String,
                      sinkNodeID: UInt32) async throws(AudioNodesError) -> AppRoute {
        try await synchronize()
        let registry = pipeWire.registry
        let route = try pipeWire.withLock { () throws(AudioNodesError) in
            try registry.routeLocked(application: nodeID, sinkName: sinkNodeName, sinkID: sinkNodeID)
        }
        try await synchronize()
        try pipeWire.withLock { () throws(AudioNodesError) in try registry.confirmLocked(route) }
        return route
    }

    /// Undoes `route`: restores the stream's previous `target.object` (the session manager
    /// moves it back) or destroys the links. Returns false when there was nothing left to undo
    /// (already undone, or the app quit).
    @discardableResult
    public func unroute(_ route: AppRoute) -> Bool {
        pipeWire.withLock {
            guard pipeWire.registry.routes[route.applicationNodeID]?.route == route else { return false }
            return pipeWire.registry.unrouteLocked(application: route.applicationNodeID)
        }
    }

    /// Undoes every route into the sink `sinkNodeID`: one call when a session closes. Returns
    /// the routes undone.
    @discardableResult
    public func unrouteAll(fromSink sinkNodeID: UInt32) -> [AppRoute] {
        pipeWire.withLock {
            let registry = pipeWire.registry
            let routes = registry.routes.values.map(\.route).filter { $0.sinkNodeID == sinkNodeID }
            routes.forEach { registry.unrouteLocked(application: $0.applicationNodeID) }
            return routes.sorted { $0.applicationNodeID < $1.applicationNodeID }
        }
    }
}

extension PipeWireGraph {
    /// The default sink (the speakers, when they are the default), by the session manager's
    /// `default.audio.sink`; nil without a session manager or without sinks.
    public func defaultSink() -> AudioDevice? {
        pipeWire.withLock { pipeWire.registry.defaultDeviceLocked(sink: true) }
    }

    /// The default source (the microphone), by `default.audio.source`.
    public func defaultSource() -> AudioDevice? {
        pipeWire.withLock { pipeWire.registry.defaultDeviceLocked(sink: false) }
    }

    /// The sink or source whose `node.name` (or `object.serial`) is `name`.
    public func device(named name: String) -> AudioDevice? {
        pipeWire.withLock { pipeWire.registry.deviceLocked(named: name) }
    }

    /// Every sink and source, by node id.
    public func devices() -> [AudioDevice] {
        pipeWire.withLock { pipeWire.registry.devicesLocked() }
    }
}
