import AudioNodes
import DBusService
import Foundation
import LiveClient
import LiveProtocol
import Logging
import ServiceLifecycle
import Synchronization

/// The gateway on the session bus: owns `io.github.geminilive.Gateway1`, serves the manager
/// object, and runs one ``LiveSession`` per `StartSession`, each exported as a session object
/// that lives as long as its connection and its owner.
///
/// Run it in a `ServiceGroup`: on graceful shutdown every session is closed (each emits `Closed`)
/// before ``run()`` returns.
public final class GatewayService: Service, Sendable {
    let configuration: GatewayConfiguration
    let logger: Logger
    let registry = Mutex(Registry())
    /// Set when graceful shutdown begins (the WebSocket layer then closes every connection itself).
    private let shuttingDown = Mutex(false)
    private let requests: AsyncStream<LiveSession>
    private let requestContinuation: AsyncStream<LiveSession>.Continuation
    /// The PipeWire connection sessions take their nodes from; nil without audio.
    let audio: AudioBackend?
    /// The ScreenCast portal client (and the restore token it keeps).
    let screenCast: ScreenCastPortal
    /// Detached sessions' handles, kept across restarts; nil without a path.
    let store: ResumptionStore?
    /// The session defaults and limit in force (``updateDefaults(_:maxSessionsPerOwner:)`` replaces them).
    let adjustable: Mutex<Adjustable>
    /// StartSession calls in flight and the idle timer's state.
    let activity = Mutex(Activity())
    /// Where the local Live endpoint listens, once it does (`GetLiveEndpoint`).
    let liveEndpoint = Mutex<LiveEndpointInfo?>(nil)

    struct Registry {
        var sessions: [(path: DBusObjectPath, session: LiveSession)] = []
        var nextID = 1
        var bus: DBusConnection?
        /// Close() callers waiting for their session's object to be gone, by session id.
        var closeWaiters: [String: [CheckedContinuation<Void, Never>]] = [:]
        /// Sessions that closed lately and why, for the NotFound of a late call.
        var closed = ClosedSessionLog()
    }

    public init(configuration: GatewayConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        adjustable = Mutex(Adjustable(defaults: configuration.defaults, maxSessionsPerOwner: configuration.maxSessionsPerOwner))
        (requests, requestContinuation) = AsyncStream.makeStream()
        audio = configuration.audio.map { AudioBackend(configuration: $0, logger: logger) }
        screenCast = ScreenCastPortal(logger: logger)
        store = configuration.resumptionStorePath.map { ResumptionStore(path: $0, logger: logger) }
    }

    /// Serves until graceful shutdown or until the bus goes away.
    public func run() async throws {
        let bus = try await DBusConnection.connect(.init(address: configuration.busAddress), logger: logger)
        let managerPath = try DBusObjectPath(GatewayConfiguration.managerPath)
        try await bus.addObjectManager(at: managerPath)
        try await bus.export(ExportedObject(path: managerPath, interfaces: [try managerInterface()]))
        try await bus.explainMissingObjects { [weak self] path in self?.explainMissingSession(at: path) }
        registry.withLock { $0.bus = bus }
        // The name comes last: whoever sees it (or activated us) finds the manager ready.
        try await bus.requestName(GatewayConfiguration.busName)
        await restoreSessions(on: bus)
        logger.notice("serving \(GatewayConfiguration.busName) (backend: \(configuration.backend))")

        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    if await bus.waitUntilDisconnected() == .lost {
                        self.requestContinuation.finish()
                        throw DBusError(.disconnected, "The session bus went away.")
                    }
                }
                let audioTask = self.audio.map { audio in Task { await audio.run() } }
                if let idleTime = self.configuration.exitWhenIdle {
                    group.addTask { await self.exitWhenIdle(after: idleTime) }
                }
                await withDiscardingTaskGroup { sessions in
                    for await session in self.requests {
                        sessions.addTask { await self.serve(session, on: bus) }
                    }
                    await self.closeAll(.shutdown)
                    if await !self.sessionsEnded(within: self.configuration.shutdownTimeout) {
                        self.logger.warning(
                            "sessions still open \(self.configuration.shutdownTimeout) after shutdown began; abandoning them")
                        sessions.cancelAll()
                    }
                }
                audioTask?.cancel()
                await audioTask?.value
                await bus.close()
                group.cancelAll()
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            self.stopServing()
        }
        logger.notice("stopped")
    }

    /// Begins shutdown: no new sessions, and ``run()`` closes the open ones and returns.
    func stopServing() {
        shuttingDown.withLock { $0 = true }
        requestContinuation.finish()
    }

    // MARK: Sessions

    private func serve(_ session: LiveSession, on bus: DBusConnection) async {
        guard let client = configuration.client else { return }
        let path = registry.withLock { registry in registry.sessions.first { $0.session === session }?.path }
        guard let path else { return }
        var watch: NameOwnerWatch?
        let started = ContinuousClock.now
        var ownerProcess: String?
        if session.detachedUserID == nil, session.relay == nil {
            ownerProcess = await processName(of: session.owner, on: bus)
            do {
                watch = try await bus.watchNameOwner(session.owner)
            } catch {
                logger.warning("cannot watch \(session.owner) (\(error)); closing its session \(session.id)")
                await session.close(.ownerLeft)
            }
        }
        await withDiscardingTaskGroup { group in
            if session.detachedUserID != nil {
                let idleTimeout = session.idleTimeout
                group.addTask {
                    do {
                        try await session.waitUntilReady()
                    } catch {
                        return
                    }
                    while !Task.isCancelled {
                        let idleUntil = await session.lastCall + idleTimeout
                        if ContinuousClock.now >= idleUntil {
                            self.logger.info("detached session \(session.id) idle for \(idleTimeout); closing it")
                            await session.close(.idle(idleTimeout))
                            return
                        }
                        try? await Task.sleep(until: idleUntil)
                    }
                }
            }
            if let watch {
                let ownerProcess = ownerProcess
                group.addTask {
                    for await change in watch.changes where change.vanished {
                        self.logger.info("owner \(session.owner) left the bus; closing session \(session.id)")
                        self.warnIfOwnerLeftEarly(session, process: ownerProcess, startedAt: await session.readyAt ?? started)
                        await session.close(.ownerLeft)
                        return
                    }
                }
            }
            if let audio {
                group.addTask { await audio.serve(session, logger: self.logger.with("session", session.id)) }
            }
            group.addTask { await self.serveVideo(session) }
            group.addTask { await session.runActivityClock() }
            await session.run(client: client, logger: logger.with("session", session.id))
            group.cancelAll()
        }
        watch?.cancel()
        if case .shutdown = await session.closeCause {
            logger.info("session \(session.id) closed for shutdown; its handle is kept to resume it at the next start")
        } else {
            store?.forget(id: session.id)
        }
        let closedReason = await closedReason(of: session, process: ownerProcess)
        await bus.unexport(path)
        let waiters = registry.withLock { registry in
            registry.closed.record(path: path.rawValue, at: Date(), reason: closedReason)
            registry.sessions.removeAll { $0.session === session }
            return registry.closeWaiters.removeValue(forKey: session.id) ?? []
        }
        markIdleIfQuiet()
        try? await bus.emitPropertiesChanged(
            path: try DBusObjectPath(GatewayConfiguration.managerPath), interface: GatewayConfiguration.managerInterface,
            changed: ["Sessions": sessionPaths()])
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once `session` has emitted Closed and its object is gone, so that a Close() reply
    /// means the session is no longer listed.
    private func waitUntilRemoved(_ session: LiveSession) async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let listed = registry.withLock { registry in
                guard registry.sessions.contains(where: { $0.session === session }) else { return false }
                registry.closeWaiters[session.id, default: []].append(waiter)
                return true
            }
            if !listed { waiter.resume() }
        }
    }

    private func closeAll(_ cause: CloseCause) async {
        let sessions = registry.withLock { $0.sessions.map(\.session) }
        for session in sessions { await session.close(cause) }
    }

    /// Whether every session ended within `timeout` (polled: shutdown only).
    private func sessionsEnded(within timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !registry.withLock({ $0.sessions.isEmpty }) {
            guard ContinuousClock.now < deadline, !Task.isCancelled else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    private func startSession(_ call: DBusMethodCall) async throws -> [DBusValue] {
        try beginStart()
        defer { endStart() }
        let (defaults, maxSessionsPerOwner) = adjustable.withLock { ($0.defaults, $0.maxSessionsPerOwner) }
        let options = try call.argument(0, as: [String: DBusValue].self)
        let parsed = try SessionOptions(options, defaults: defaults, audio: configuration.audio?.nodes ?? .init())
        guard let client = configuration.client else {
            throw DBusError(GatewayError.notConfigured, configuration.notConfiguredMessage)
        }
        let setup = parsed.configuration.setup(for: client.endpoint)
        let report = Preflight.check(setup, endpoint: client.endpoint)
        do {
            try report.throwIfBlocked()
        } catch {
            throw DBusError(GatewayError.invalidConfig, error.description)
        }
        for warning in report.warnings { logger.warning("preflight: \(warning)") }

        guard let bus = registry.withLock({ $0.bus }) else {
            throw DBusError(GatewayError.invalidState, "The gateway is shutting down.")
        }
        let (id, path) = try reservePath(for: call.sender, token: parsed.handleToken)
        var detachedUserID: UInt32?
        if parsed.detached {
            guard let userID = try await bus.credentials(of: call.sender).userID else {
                throw DBusError(GatewayError.accessDenied, "A detached session needs the caller's Unix user id, which the bus did not give.")
            }
            detachedUserID = userID
        }
        let session = LiveSession(
            id: id, owner: call.sender, configuration: parsed.configuration, setup: setup,
            detachedUserID: detachedUserID, idleTimeout: parsed.idleTimeout, stallTimeout: configuration.stallTimeout,
            audio: configuration.audio == nil ? nil : parsed.audio,
            endingCause: { [weak self] in self?.isShuttingDown == true ? .shutdown : nil },
            emit: { [weak self] event, values in self?.emit(event, values: values, path: path, bus: bus) })
        try await launch(session, at: path, on: bus, limit: maxSessionsPerOwner)
        try await session.waitUntilReady()
        try? await bus.emitPropertiesChanged(
            path: try DBusObjectPath(GatewayConfiguration.managerPath), interface: GatewayConfiguration.managerInterface,
            changed: ["Sessions": sessionPaths()])
        return [.objectPath(path)]
    }

    /// Lists `session`, exports its object and hands it to the run loop.
    /// - Throws: `LimitExceeded` when its owner has `limit` sessions open or its path is taken.
    func launch(_ session: LiveSession, at path: DBusObjectPath, on bus: DBusConnection, limit: Int) async throws {
        let admitted = registry.withLock { registry -> Bool in
            let owned = registry.sessions.filter { $0.session.owner == session.owner }.count
            guard owned < limit, !registry.sessions.contains(where: { $0.path == path }) else { return false }
            registry.sessions.append((path, session))
            registry.closed.forget(path: path.rawValue)
            return true
        }
        guard admitted else {
            throw DBusError(
                GatewayError.limitExceeded,
                "You have \(limit) sessions open (or the handle_token is in use); close one with Close() first.")
        }
        do {
            try await bus.export(ExportedObject(path: path, interfaces: [try sessionInterface(for: session)]))
        } catch {
            registry.withLock { registry in registry.sessions.removeAll { $0.session === session } }
            throw error
        }
        if case .terminated = requestContinuation.yield(session) {
            await bus.unexport(path)
            registry.withLock { registry in registry.sessions.removeAll { $0.session === session } }
            throw DBusError(GatewayError.invalidState, "The gateway is shutting down; start the session once it runs again.")
        }
    }

    private func reservePath(for sender: String, token: String?) throws(DBusError) -> (String, DBusObjectPath) {
        let id: String
        if let token {
            let name = sender.replacingOccurrences(of: ":", with: "").replacingOccurrences(of: ".", with: "_")
            id = "\(name)_\(token)"
        } else {
            id = String(registry.withLock { registry in
                defer { registry.nextID += 1 }
                return registry.nextID
            })
        }
        return (id, try DBusObjectPath("\(GatewayConfiguration.managerPath)/session/\(id)"))
    }

    func sessionPaths() -> DBusValue {
        .array(element: .objectPath, registry.withLock { $0.sessions.map { DBusValue.objectPath($0.path) } })
    }

    func session(at path: DBusObjectPath, for call: DBusMethodCall) async throws(DBusError) -> LiveSession {
        try await session(at: path, sender: call.sender, member: call.member)
    }

    /// The session at `path` if `sender` may call `member` on it.
    /// - Throws: `NotFound` (saying when and why it closed, if it did lately) or `AccessDenied`.
    func session(at path: DBusObjectPath, sender: String, member: String) async throws(DBusError) -> LiveSession {
        guard let session = registry.withLock({ $0.sessions.first { $0.path == path }?.session }) else {
            throw explainMissingSession(at: path)
                ?? DBusError(GatewayError.notFound, "No session at \(path); ListSessions shows the open ones.")
        }
        if let userID = session.detachedUserID, let bus = registry.withLock({ $0.bus }) {
            guard try await bus.credentials(of: sender).userID == userID else {
                throw DBusError(
                    GatewayError.accessDenied,
                    "This detached session belongs to Unix user \(userID); only that user's connections may call \(member).")
            }
            return session
        }
        guard session.owner == sender else {
            throw DBusError(
                GatewayError.accessDenied,
                "Only the session's owner (\(session.owner)) may call \(member); you are \(sender). Others may read its properties and receive its signals.")
        }
        return session
    }

    // MARK: Bus surface

    private func managerInterface() throws -> ExportedInterface {
        var interface = ExportedInterface(try Self.description(GatewayConfiguration.managerInterface))
        interface.onMethod("StartSession") { call in try await self.startSession(call) }
        interface.onMethod("ListSessions") { _ in [self.sessionPaths()] }
        interface.onMethod("CheckService") { call in try await self.checkService(call) }
        interface.onMethod("CheckEcho") { call in try await self.checkEcho(call) }
        interface.onMethod("GetLiveEndpoint") { call in try await self.liveEndpointReply(call) }
        interface.onMethod("ListAudioApplications") { _ in
            let applications = try await self.audioBackend().applications()
            return [
                .array(
                    element: .structure([.uint32, .string, .string]),
                    applications.map { .structure([.uint32($0.nodeID), .string($0.application), .string($0.mediaName ?? "")]) })
            ]
        }
        let configuration = self.configuration
        interface.onProperty("Version", get: { .string(configuration.version) })
        interface.onProperty("Sessions", get: { self.sessionPaths() })
        interface.onProperty("DefaultModel", get: { .string(self.defaultModelID) })
        interface.onProperty("Backend", get: { .string(configuration.backend) })
        return interface
    }

    private func sessionInterface(for session: LiveSession) throws -> ExportedInterface {
        var interface = ExportedInterface(try Self.description(GatewayConfiguration.sessionInterface))
        interface.onMethod("SendText") { call in
            try await self.session(at: call.path, for: call).sendText(try call.argument(0, as: String.self))
            return []
        }
        interface.onMethod("Interrupt") { call in
            try await self.session(at: call.path, for: call).interrupt()
            return []
        }
        interface.onMethod("StartActivity") { call in
            try await self.session(at: call.path, for: call).startActivity()
            return []
        }
        interface.onMethod("EndActivity") { call in
            try await self.session(at: call.path, for: call).endActivity()
            return []
        }
        interface.onMethod("SendToolResponse") { call in
            try await self.session(at: call.path, for: call).sendToolResponse(
                id: try call.argument(0, as: String.self), response: try call.argument(1, as: String.self),
                options: try call.argument(2, as: [String: DBusValue].self))
            return []
        }
        interface.onMethod("RouteApplication") { call in
            let session = try await self.session(at: call.path, for: call)
            let moved = try await self.audioBackend().route(try call.argument(0, as: String.self), into: session)
            return [.array(element: .uint32, moved.map(DBusValue.uint32))]
        }
        interface.onMethod("UnrouteApplication") { call in
            let session = try await self.session(at: call.path, for: call)
            let moved = try await self.audioBackend().unroute(try call.argument(0, as: String.self), from: session)
            return [.array(element: .uint32, moved.map(DBusValue.uint32))]
        }
        addVideoMethods(to: &interface)
        interface.onMethod("Close") { call in
            let session = try await self.session(at: call.path, for: call)
            await session.close(.owner)
            await self.waitUntilRemoved(session)
            return []
        }
        for name in LiveSession.propertyNames {
            let get: DBusPropertyGetter = { [weak session] in
                guard let session, let value = await session.readProperty(name) else {
                    throw DBusError(GatewayError.notFound, "The session is gone.")
                }
                return value
            }
            if name == "Muted" {
                let path = try DBusObjectPath("\(GatewayConfiguration.managerPath)/session/\(session.id)")
                interface.onProperty(name, get: get, setBy: { value, sender in
                    guard case .boolean(let muted) = value else { throw DBusError.invalidArgs("Muted takes a boolean (b)") }
                    try await self.session(at: path, sender: sender, member: "Set Muted").setMuted(muted)
                })
            } else {
                interface.onProperty(name, get: get)
            }
        }
        return interface
    }

    /// The PipeWire backend.
    /// - Throws: `AudioUnavailable` when the gateway runs without audio.
    func audioBackend() throws(DBusError) -> AudioBackend {
        guard let audio else {
            throw DBusError(GatewayError.audioUnavailable, "The gateway runs without audio (--no-audio); restart it without that option.")
        }
        return audio
    }

    /// Whether graceful shutdown has begun.
    var isShuttingDown: Bool { shuttingDown.withLock { $0 } }

    /// Queues the signal `event` stands for on `bus` and returns at once (the session's actor and the
    /// network read loop behind it never wait for the bus); `values` are a `.propertiesChanged`'s.
    func emit(_ event: SessionEvent, values: [String: DBusValue], path: DBusObjectPath, bus: DBusConnection) {
        let interface = GatewayConfiguration.sessionInterface
        let (member, arguments): (String, [DBusValue])
        switch event {
        case .inputTranscription(let turn, let sequence, let text, let finished):
            (member, arguments) = ("InputTranscription", [.uint64(turn), .uint64(sequence), .string(text), .boolean(finished)])
        case .outputTranscription(let turn, let sequence, let text, let finished):
            (member, arguments) = ("OutputTranscription", [.uint64(turn), .uint64(sequence), .string(text), .boolean(finished)])
        case .transcriptionDetail(let turn, let sequence, let source, let transcription):
            (member, arguments) = (
                "TranscriptionDetail",
                [.uint64(turn), .uint64(sequence), .string(source.rawValue), .string(transcription.text ?? ""),
                 transcription.detailsDictionary]
            )
        case .text(let turn, let sequence, let text):
            (member, arguments) = ("Text", [.uint64(turn), .uint64(sequence), .string(text)])
        case .generationComplete(let turn):
            (member, arguments) = ("GenerationComplete", [.uint64(turn)])
        case .utteranceComplete(let turn, let utterance, let requestComplete):
            (member, arguments) = ("UtteranceComplete", [.uint64(turn), .uint32(utterance), .boolean(requestComplete)])
        case .turnComplete(let turn, let reason):
            (member, arguments) = ("TurnComplete", [.uint64(turn), .string(reason)])
        case .interrupted(let turn):
            (member, arguments) = ("Interrupted", [.uint64(turn)])
        case .toolCall(let id, let name, let arguments_):
            (member, arguments) = ("ToolCall", [.string(id), .string(name), .string(arguments_)])
        case .toolCallCancellation(let ids):
            (member, arguments) = ("ToolCallCancellation", [.array(element: .string, ids.map(DBusValue.string))])
        case .goAway(let timeLeft):
            (member, arguments) = ("GoAway", [.double(timeLeft)])
        case .resumed(let contextKept):
            (member, arguments) = ("Resumed", [.boolean(contextKept)])
        case .resumable(let handle):
            remember(handle, path: path)
            return
        case .closed(let code, let reason, let explanation):
            (member, arguments) = ("Closed", [.uint32(code), .string(reason), .string(explanation)])
        case .videoStopped(let error, let message):
            (member, arguments) = ("VideoStopped", [.string(error), .string(message)])
        case .propertiesChanged:
            let logger = self.logger
            bus.queuePropertiesChanged(path: path, interface: interface, changed: values) { error in
                logger.debug("PropertiesChanged not sent for \(path): \(error)")
            }
            return
        }
        let logger = self.logger
        bus.queueSignal(path: path, interface: interface, member: member, arguments: arguments) { error in
            logger.warning("signal \(member) not sent for \(path): \(error)")
        }
    }

    static func description(_ interface: String) throws -> InterfaceDescription {
        guard let description = InterfaceTables.descriptions[interface] else {
            throw DBusError.failed("The interface \(interface) is not in dbus/*.xml.")
        }
        return description
    }
}

extension Logger {
    func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy[metadataKey: key] = "\(value)"
        return copy
    }
}
