import CPipeWire
import Logging
import PipeWireShim

/// What this process knows of the PipeWire graph: nodes, ports, clients and the `default`
/// metadata, kept current by one `pw_registry` listener on the loop thread (no polling).
///
/// ``PipeWireLoop`` attaches it to each core it connects and detaches it before the core goes.
/// Everything here runs on the loop thread or under the loop lock; ``PipeWireGraph`` is the
/// public face.
final class GraphRegistry: @unchecked Sendable {
    static let nodeType = "PipeWire:Interface:Node"
    static let portType = "PipeWire:Interface:Port"
    static let clientType = "PipeWire:Interface:Client"
    static let metadataType = "PipeWire:Interface:Metadata"
    static let playbackStreamClass = "Stream/Output/Audio"
    /// The `application.name` of this gateway's own nodes (see ``NodeProperties``).
    static let ownApplicationName = "gemini-live-gateway"

    /// A node: its registry properties, completed by its info for playback streams.
    struct Node {
        var properties: [String: String]
        var proxy: OpaquePointer?
    }

    /// A port of a node.
    struct Port {
        let nodeID: UInt32
        let isOutput: Bool
        let name: String
        let channel: String?
    }

    /// A client (a connection): its process details.
    struct Client {
        var properties: [String: String]
        var proxy: OpaquePointer?
    }

    /// One value of the `default` metadata.
    struct MetadataValue: Equatable {
        var type: String?
        var value: String
    }

    /// A round trip someone awaits: the registry's events before the first `done`, then the
    /// info of what those events made us bind before the second.
    private struct PendingSync {
        let deadline: Int
        var secondRound: Bool
        let continuation: CheckedContinuation<Result<Void, AudioNodesError>, Never>
    }

    let loop: UnsafeMutablePointer<pw_loop>
    let logger: Logger
    private(set) var core: OpaquePointer?
    private var registry: OpaquePointer?
    private var timer: UnsafeMutablePointer<spa_source>?
    private(set) var nodes: [UInt32: Node] = [:]
    private(set) var ports: [UInt32: Port] = [:]
    private var clients: [UInt32: Client] = [:]
    /// The bound `default` metadata (a session manager runs while it exists).
    private(set) var metadata: (id: UInt32, proxy: OpaquePointer)?
    /// The `target.*` values of the `default` metadata, by subject and key.
    private(set) var metadataValues: [UInt32: [String: MetadataValue]] = [:]
    /// The bound `settings` metadata (the daemon's, always there).
    private var settings: (id: UInt32, proxy: OpaquePointer)?
    /// Its `clock.*` values (`clock.rate`, `clock.min-quantum`, `clock.force-quantum`, …).
    private(set) var clockSettings: [String: String] = [:]
    private var pendingSyncs: [Int32: PendingSync] = [:]
    /// The applications routed by this process, by the app's node id.
    var routes: [UInt32: RouteRecord] = [:]

    init(loop: UnsafeMutablePointer<pw_loop>, logger: Logger) {
        self.loop = loop
        self.logger = logger
    }

    private var owner: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// Starts listening to the registry of a freshly connected `core`.
    func attachLocked(core: OpaquePointer) throws(AudioNodesError) {
        self.core = core
        timer = pwshim_loop_add_timer(loop, { data, _ in
            guard let data else { return }
            Unmanaged<GraphRegistry>.fromOpaque(data).takeUnretainedValue().expireSyncs()
        }, owner)
        registry = pwshim_registry_new(core, { data, id, type, props in
            guard let data, let type else { return }
            Unmanaged<GraphRegistry>.fromOpaque(data).takeUnretainedValue()
                .globalAdded(id: id, type: String(cString: type), properties: .init(spaDictionary: props))
        }, { data, id in
            guard let data else { return }
            Unmanaged<GraphRegistry>.fromOpaque(data).takeUnretainedValue().globalRemoved(id: id)
        }, owner)
        guard registry != nil else { throw AudioNodesError("pw_core_get_registry", result: negativeErrno()) }
    }

    /// Forgets the graph and fails pending round trips; call before the core disconnects.
    /// Routes are forgotten too: links this process made go with its connection.
    func detachLocked(reason: String) {
        failSyncsLocked(reason: reason)
        for route in routes.values {
            route.links.forEach { pwshim_object_destroy($0) }
        }
        routes = [:]
        nodes.values.forEach { pwshim_object_destroy($0.proxy) }
        clients.values.forEach { pwshim_object_destroy($0.proxy) }
        if let metadata { pwshim_object_destroy(metadata.proxy) }
        if let settings { pwshim_object_destroy(settings.proxy) }
        settings = nil
        clockSettings = [:]
        nodes = [:]
        clients = [:]
        ports = [:]
        metadata = nil
        metadataValues = [:]
        pwshim_registry_free(registry)
        registry = nil
        if let timer { pwshim_loop_destroy_source(loop, timer) }
        timer = nil
        core = nil
    }

    // MARK: Round trips

    /// Starts a round trip (two, see ``PendingSync``); `continuation` gets its outcome.
    func startSyncLocked(timeout: Duration,
                         continuation: CheckedContinuation<Result<Void, AudioNodesError>, Never>) {
        guard let core else {
            continuation.resume(returning: .failure(AudioNodesError("PipeWire is not connected", result: -107)))
            return
        }
        let seq = pwshim_core_sync(core)
        guard seq >= 0 else {
            continuation.resume(returning: .failure(AudioNodesError("pw_core_sync", result: seq)))
            return
        }
        pendingSyncs[seq] = PendingSync(deadline: monotonicNanoseconds() + Int(timeout.nanoseconds),
                                        secondRound: false, continuation: continuation)
        armTimerLocked()
    }

    /// The core answered the round trip `seq`.
    func doneLocked(id: UInt32, seq: Int32) {
        guard id == 0, var pending = pendingSyncs.removeValue(forKey: seq) else { return }
        if !pending.secondRound, let core {
            let next = pwshim_core_sync(core)
            if next >= 0 {
                pending.secondRound = true
                pendingSyncs[next] = pending
                return
            }
        }
        pending.continuation.resume(returning: .success(()))
        armTimerLocked()
    }

    /// The connection is gone: no round trip will be answered.
    func failSyncsLocked(reason: String) {
        let pending = pendingSyncs.values
        pendingSyncs = [:]
        for sync in pending {
            sync.continuation.resume(returning: .failure(AudioNodesError("PipeWire round trip", result: -107,
                                                                         reason: reason)))
        }
        armTimerLocked()
    }

    private func expireSyncs() {
        let now = monotonicNanoseconds()
        for (seq, sync) in pendingSyncs where sync.deadline <= now {
            pendingSyncs[seq] = nil
            sync.continuation.resume(returning: .failure(AudioNodesError("PipeWire round trip", result: -110)))
        }
        armTimerLocked()
    }

    private func armTimerLocked() {
        guard let timer else { return }
        guard let deadline = pendingSyncs.values.map(\.deadline).min() else {
            pwshim_loop_update_timer(loop, timer, 0, 0)
            return
        }
        pwshim_loop_update_timer(loop, timer, UInt64(max(1, deadline - monotonicNanoseconds())), 0)
    }

    // MARK: Registry events (loop thread)

    private func globalAdded(id: UInt32, type: String, properties: [String: String]) {
        switch type {
        case Self.nodeType:
            var node = Node(properties: properties, proxy: nil)
            if let mediaClass = properties[PW_KEY_MEDIA_CLASS], Self.bindsInfo(mediaClass: mediaClass), let registry {
                node.proxy = pwshim_registry_bind_info(registry, id, type, { data, id, props in
                    guard let data else { return }
                    Unmanaged<GraphRegistry>.fromOpaque(data).takeUnretainedValue()
                        .infoChanged(id: id, properties: .init(spaDictionary: props))
                }, owner)
                if mediaClass == Self.playbackStreamClass, let client = properties[PW_KEY_CLIENT_ID].flatMap(UInt32.init) {
                    bindClient(client)
                }
            }
            nodes[id] = node
        case Self.portType:
            guard let node = properties[PW_KEY_NODE_ID].flatMap(UInt32.init) else { return }
            ports[id] = Port(nodeID: node, isOutput: properties[PW_KEY_PORT_DIRECTION] == "out",
                             name: properties[PW_KEY_PORT_NAME] ?? "port \(id)",
                             channel: properties[PW_KEY_AUDIO_CHANNEL])
        case Self.clientType:
            clients[id] = Client(properties: properties, proxy: nil)
        case Self.metadataType where properties["metadata.name"] == "default":
            guard metadata == nil, let registry,
                  let proxy = pwshim_registry_bind_metadata(registry, id, { data, subject, key, type, value in
                      guard let data else { return }
                      Unmanaged<GraphRegistry>.fromOpaque(data).takeUnretainedValue().metadataChanged(
                          subject: subject, key: key.map { String(cString: $0) },
                          type: type.map { String(cString: $0) }, value: value.map { String(cString: $0) })
                  }, owner)
            else { return }
            metadata = (id, proxy)
        case Self.metadataType where properties["metadata.name"] == "settings":
            guard settings == nil, let registry,
                  let proxy = pwshim_registry_bind_metadata(registry, id, { data, subject, key, _, value in
                      guard let data, subject == 0 else { return }
                      Unmanaged<GraphRegistry>.fromOpaque(data).takeUnretainedValue().settingChanged(
                          key: key.map { String(cString: $0) }, value: value.map { String(cString: $0) })
                  }, owner)
            else { return }
            settings = (id, proxy)
        default:
            break
        }
    }

    /// Binds a client the first time a playback stream of it shows up, for its process details.
    private func bindClient(_ id: UInt32) {
        guard let registry, var client = clients[id], client.proxy == nil else { return }
        client.proxy = pwshim_registry_bind_info(registry, id, Self.clientType, { data, id, props in
            guard let data else { return }
            Unmanaged<GraphRegistry>.fromOpaque(data).takeUnretainedValue()
                .infoChanged(id: id, properties: .init(spaDictionary: props))
        }, owner)
        clients[id] = client
    }

    private func infoChanged(id: UInt32, properties: [String: String]) {
        if nodes[id] != nil {
            nodes[id]?.properties.merge(properties) { $1 }
        } else if clients[id] != nil {
            clients[id]?.properties.merge(properties) { $1 }
        }
    }

    private func globalRemoved(id: UInt32) {
        if let node = nodes.removeValue(forKey: id) {
            pwshim_object_release(node.proxy)
            nodeRemovedLocked(id)
        } else if ports.removeValue(forKey: id) != nil {
            return
        } else if let client = clients.removeValue(forKey: id) {
            pwshim_object_release(client.proxy)
        } else if let metadata, metadata.id == id {
            pwshim_object_release(metadata.proxy)
            self.metadata = nil
            metadataValues = [:]
            metadataRemovedLocked()
        } else if let settings, settings.id == id {
            pwshim_object_release(settings.proxy)
            self.settings = nil
            clockSettings = [:]
        }
    }

    private func settingChanged(key: String?, value: String?) {
        guard let key else {
            clockSettings = [:]
            return
        }
        guard key.hasPrefix("clock.") else { return }
        clockSettings[key] = value
    }

    private func metadataChanged(subject: UInt32, key: String?, type: String?, value: String?) {
        guard let key else {
            metadataValues[subject] = nil
            return
        }
        guard key.hasPrefix("target.") || key.hasPrefix("default.audio.") else { return }
        metadataValues[subject, default: [:]][key] = value.map { MetadataValue(type: type, value: $0) }
    }

    // MARK: Queries (under the lock)

    /// The playback streams of other applications.
    func applicationsLocked() -> [AudioApplication] {
        nodes.compactMap { id, node -> AudioApplication? in
            let properties = node.properties
            guard properties[PW_KEY_MEDIA_CLASS] == Self.playbackStreamClass,
                  properties[PW_KEY_APP_NAME] != Self.ownApplicationName,
                  properties["app.name"] != Self.ownApplicationName
            else { return nil }
            let client = properties[PW_KEY_CLIENT_ID].flatMap(UInt32.init).flatMap { clients[$0]?.properties } ?? [:]
            let binary = properties[PW_KEY_APP_PROCESS_BINARY] ?? client[PW_KEY_APP_PROCESS_BINARY]
            let processID = (properties[PW_KEY_APP_PROCESS_ID] ?? client[PW_KEY_APP_PROCESS_ID]
                ?? client[PW_KEY_SEC_PID]).flatMap { Int($0) }
            let nodeName = properties[PW_KEY_NODE_NAME]
            return AudioApplication(
                nodeID: id,
                application: properties[PW_KEY_APP_NAME] ?? binary ?? nodeName ?? "node \(id)",
                mediaName: properties[PW_KEY_MEDIA_NAME], nodeName: nodeName,
                processID: processID, binary: binary)
        }.sorted { $0.nodeID < $1.nodeID }
    }
}
