import CPipeWire
import Logging
import PipeWireShim

/// What this process changed to route one application, so that undoing changes exactly that.
struct RouteRecord {
    let route: AppRoute
    /// The links made when no session manager runs.
    var links: [OpaquePointer]
    /// The stream's `target.object` before routing (usually none), put back on undo.
    let previousTarget: GraphRegistry.MetadataValue?
    /// The `target.object` routing set.
    let target: GraphRegistry.MetadataValue
}

extension GraphRegistry {
    /// The `default` metadata key WirePlumber 0.4 moves a stream by: a node name (or an
    /// `object.serial`). `target.node` (a node id) works too, but WirePlumber's restore-stream
    /// then remembers our sink as the app's target for good.
    static let targetKey = "target.object"

    /// Routes a playback stream into a sink (see ``PipeWireGraph/route(application:toSink:sinkNodeID:)``).
    func routeLocked(application nodeID: UInt32, sinkName: String, sinkID: UInt32) throws(AudioNodesError) -> AppRoute {
        let operation = "route node \(nodeID) into \(sinkName)"
        guard let app = nodes[nodeID] else {
            throw AudioNodesError(operation, result: -2, reason: "there is no node \(nodeID) in the PipeWire graph")
        }
        let mediaClass = app.properties[PW_KEY_MEDIA_CLASS]
        guard mediaClass == Self.playbackStreamClass else {
            throw AudioNodesError(operation, result: -22, reason: "node \(nodeID) is not a playback stream "
                + "(media.class \(mediaClass ?? "unset"), expected \(Self.playbackStreamClass))")
        }
        guard let sink = nodes[sinkID], sink.properties[PW_KEY_NODE_NAME] == sinkName else {
            throw AudioNodesError(operation, result: -2,
                                  reason: "the sink \(sinkName) (node \(sinkID)) is not in the PipeWire graph yet")
        }
        unrouteLocked(application: nodeID)
        let target = MetadataValue(type: "Spa:String", value: sinkName)
        if let metadata {
            let result = pwshim_object_set_metadata(metadata.proxy, nodeID, Self.targetKey, target.type, target.value)
            guard result >= 0 else { throw AudioNodesError("pw_metadata_set_property", result: result) }
            let route = AppRoute(applicationNodeID: nodeID, sinkNodeName: sinkName, sinkNodeID: sinkID,
                                 mechanism: .sessionManager)
            routes[nodeID] = RouteRecord(route: route, links: [], previousTarget: metadataValues[nodeID]?[Self.targetKey],
                                         target: target)
            logger.info("routed an app through the session manager", metadata: ["node": "\(nodeID)", "sink": "\(sinkName)"])
            return route
        }
        let pairs = portPairsLocked(from: nodeID, to: sinkID)
        guard !pairs.isEmpty else {
            throw AudioNodesError(operation, result: -2, reason: "no ports to link yet (node \(nodeID) has "
                + "\(ports.values.count { $0.nodeID == nodeID && $0.isOutput }) output ports, the sink "
                + "\(ports.values.count { $0.nodeID == sinkID && !$0.isOutput }) input ports)")
        }
        var links: [OpaquePointer] = []
        for (output, input) in pairs {
            guard let link = createLinkLocked(outputNode: nodeID, outputPort: output, inputNode: sinkID, inputPort: input)
            else {
                let result = negativeErrno()
                links.forEach { pwshim_object_destroy($0) }
                throw AudioNodesError("pw_core_create_object(link-factory)", result: result)
            }
            links.append(link)
        }
        let route = AppRoute(applicationNodeID: nodeID, sinkNodeName: sinkName, sinkNodeID: sinkID,
                             mechanism: .links(links.count))
        routes[nodeID] = RouteRecord(route: route, links: links, previousTarget: nil, target: target)
        let linked = pairs.map { "\(ports[$0.output]?.name ?? "?") -> \(ports[$0.input]?.name ?? "?")" }
        logger.info("routed an app by direct links", metadata: ["node": "\(nodeID)", "sink": "\(sinkName)",
                                                                "links": "\(linked.joined(separator: ", "))"])
        return route
    }

    /// After a round trip: throws, and undoes the route, when PipeWire refused one of its links.
    func confirmLocked(_ route: AppRoute) throws(AudioNodesError) {
        guard let record = routes[route.applicationNodeID], record.route == route else { return }
        for link in record.links {
            let result = pwshim_object_error(link)
            if result < 0 {
                unrouteLocked(application: route.applicationNodeID)
                throw AudioNodesError("link node \(route.applicationNodeID) to \(route.sinkNodeName)", result: result)
            }
        }
    }

    /// Undoes the route of one application; false when it was not routed (or already undone).
    @discardableResult
    func unrouteLocked(application nodeID: UInt32) -> Bool {
        guard let record = routes.removeValue(forKey: nodeID) else { return false }
        record.links.forEach { pwshim_object_destroy($0) }
        restoreTargetLocked(record, to: record.previousTarget)
        logger.info("unrouted an app", metadata: ["node": "\(nodeID)", "sink": "\(record.route.sinkNodeName)"])
        return true
    }

    /// A node left the graph: forget the routes of an app that quit (its links went with it,
    /// and the metadata drops the keys of a subject that is gone), and undo the routes into a
    /// sink that closed.
    func nodeRemovedLocked(_ id: UInt32) {
        for (appID, record) in routes where appID == id || record.route.sinkNodeID == id {
            routes[appID] = nil
            logger.debug("forgot a route whose node left", metadata: ["node": "\(id)", "app": "\(appID)"])
            record.links.forEach { pwshim_object_release($0) }
            if appID != id {
                restoreTargetLocked(record, to: record.previousTarget)
            }
        }
    }

    /// The session manager went away: its moves are moot.
    func metadataRemovedLocked() {
        routes = routes.filter { $0.value.route.mechanism != .sessionManager }
    }

    /// Puts `target.object` back, unless someone else changed it since we set it.
    private func restoreTargetLocked(_ record: RouteRecord, to value: MetadataValue?) {
        guard record.route.mechanism == .sessionManager, let metadata else { return }
        let current = metadataValues[record.route.applicationNodeID]?[Self.targetKey]
        guard current == nil || current?.value == record.target.value else { return }
        pwshim_object_set_metadata(metadata.proxy, record.route.applicationNodeID, Self.targetKey,
                                   value?.type, value?.value)
    }

    /// Which app output feeds which sink input: the same channel when both have it; a mono app
    /// into every input; else, into a MONO input, FL alone. Linking FL and FR both into one
    /// MONO port sums them without gain (a loud stereo app clips), so a stereo app routed
    /// without a session manager is heard by its left channel.
    func portPairsLocked(from app: UInt32, to sink: UInt32) -> [(output: UInt32, input: UInt32)] {
        let outputs = ports.filter { $0.value.nodeID == app && $0.value.isOutput }.sorted { $0.key < $1.key }
        let inputs = ports.filter { $0.value.nodeID == sink && !$0.value.isOutput }.sorted { $0.key < $1.key }
        return inputs.compactMap { input in
            let channel = input.value.channel
            let source = outputs.first { channel != nil && $0.value.channel == channel }
                ?? (outputs.count == 1 ? outputs.first : nil)
                ?? (channel == "MONO" ? outputs.first { $0.value.channel == "FL" } ?? outputs.first : nil)
            return source.map { ($0.key, input.key) }
        }
    }

    private func createLinkLocked(outputNode: UInt32, outputPort: UInt32, inputNode: UInt32,
                                  inputPort: UInt32) -> OpaquePointer? {
        guard let core, let properties = pw_properties_new_string("") else { return nil }
        defer { pw_properties_free(properties) }
        pw_properties_set(properties, PW_KEY_LINK_OUTPUT_NODE, String(outputNode))
        pw_properties_set(properties, PW_KEY_LINK_OUTPUT_PORT, String(outputPort))
        pw_properties_set(properties, PW_KEY_LINK_INPUT_NODE, String(inputNode))
        pw_properties_set(properties, PW_KEY_LINK_INPUT_PORT, String(inputPort))
        pw_properties_set(properties, PW_KEY_OBJECT_LINGER, "false")
        return pwshim_core_create_link(core, properties)
    }
}
