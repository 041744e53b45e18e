import AudioNodes
import DBusService

extension AudioBackend {
    /// The connected loop.
    /// - Throws: `AudioUnavailable` while PipeWire is not running.
    func connectedLoop() throws(DBusError) -> PipeWireLoop {
        switch currentAvailability {
        case .available(let loop): return loop
        case .unavailable(let reason):
            throw DBusError(GatewayError.audioUnavailable, "\(reason). Start PipeWire (systemctl --user start pipewire wireplumber) and try again.")
        }
    }

    /// The streams playing now, oldest first.
    func applications() async throws(DBusError) -> [AudioApplication] {
        let graph = try connectedLoop().graph
        do {
            try await graph.synchronize()
        } catch {
            throw DBusError(GatewayError.audioUnavailable, "PipeWire did not answer: \(error)")
        }
        return graph.applications().sorted { $0.nodeID < $1.nodeID }
    }

    /// Moves every playing stream that `query` names into `session`'s sink; returns their node ids.
    func route(_ query: String, into session: LiveSession) async throws(DBusError) -> [UInt32] {
        let graph = try connectedLoop().graph
        let playing = try await applications()
        let matching = playing.filter { $0.matches(query) }
        guard !matching.isEmpty else {
            throw DBusError(GatewayError.notFound, Self.nothingMatches(query, playing: playing))
        }
        guard let sink = await session.routableSink() else {
            throw DBusError(
                GatewayError.invalidState,
                "The session has no sink to route into: it was started with \"audio_input\" other than \"sink\", or its audio is not active (see its AudioState property).")
        }
        var moved: [UInt32] = []
        for application in matching {
            do {
                let route = try await graph.route(application: application.nodeID, toSink: sink.name, sinkNodeID: sink.nodeID)
                await session.addRoute(route)
                moved.append(application.nodeID)
            } catch {
                for id in moved { _ = await session.removeRoutes(matching: String(id)).map(graph.unroute) }
                throw DBusError(.failed, "Could not route \(application.application) (node \(application.nodeID)): \(error)")
            }
        }
        return moved
    }

    /// Puts back the streams `query` names that were routed into `session`; returns their node ids.
    func unroute(_ query: String, from session: LiveSession) async throws(DBusError) -> [UInt32] {
        let graph = try connectedLoop().graph
        let playing = try await applications()
        let names = Dictionary(playing.map { ($0.nodeID, $0) }, uniquingKeysWith: { first, _ in first })
        let routes = await session.removeRoutes { route in
            route.applicationNodeID == UInt32(query) || names[route.applicationNodeID]?.matches(query) == true
        }
        guard !routes.isEmpty else {
            throw DBusError(GatewayError.notFound, "Nothing named \"\(query)\" is routed into this session.")
        }
        for route in routes { graph.unroute(route) }
        return routes.map(\.applicationNodeID)
    }

    static func nothingMatches(_ query: String, playing: [AudioApplication]) -> String {
        let listed = playing.map { "\($0.application) (node \($0.nodeID))" }
        return "No playing stream matches \"\(query)\" (an application name, a binary name or a node id); "
            + (listed.isEmpty ? "nothing is playing now." : "playing now: \(listed.joined(separator: ", ")).")
    }
}

extension AudioApplication {
    /// Whether `query` names this stream: its node id, or its application, binary or node name
    /// (case-insensitively).
    func matches(_ query: String) -> Bool {
        if let id = UInt32(query) { return id == nodeID }
        let wanted = query.lowercased()
        return [application, binary, nodeName].contains { $0?.lowercased() == wanted }
    }
}
