import AudioNodes
import Logging
import Synchronization

/// The gateway's one connection to PipeWire, shared by every session: it connects at start,
/// notices when PipeWire goes away, connects again when it comes back, and tells each session's
/// audio (``serve(_:logger:)``) so that it recreates its nodes.
final class AudioBackend: Sendable {
    /// Whether sessions can have nodes now.
    enum Availability: Sendable {
        case available(PipeWireLoop)
        case unavailable(reason: String)
    }

    private struct State {
        var loop: PipeWireLoop?
        var availability: Availability = .unavailable(reason: "PipeWire is not connected yet")
        var subscribers: [Int: AsyncStream<Availability>.Continuation] = [:]
        var nextSubscriber = 0
    }

    let configuration: AudioConfiguration
    private let logger: Logger
    private let state = Mutex(State())
    /// The echo cancellers the sessions' microphones go through.
    let echoCancellers: EchoCancellers

    init(configuration: AudioConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        echoCancellers = EchoCancellers(logger: logger)
    }

    /// Keeps the connection until cancelled, then disconnects. Close every session's nodes first.
    func run() async {
        var reportedFailure: String?
        while !Task.isCancelled {
            let loop: PipeWireLoop
            do {
                loop = try connect()
            } catch {
                if reportedFailure != error.description {
                    logger.warning("PipeWire is unavailable (\(error)); sessions have no audio nodes until it runs")
                    reportedFailure = error.description
                }
                publish(.unavailable(reason: "PipeWire is not running (\(error))"))
                try? await Task.sleep(for: configuration.retryInterval)
                continue
            }
            if reportedFailure != nil { logger.notice("PipeWire is back; recreating the sessions' audio nodes") }
            reportedFailure = nil
            publish(.available(loop))
            for await change in loop.connectionStates {
                if case .disconnected(let reason) = change {
                    logger.warning("PipeWire went away (\(reason)); the sessions' audio is unavailable until it returns")
                    reportedFailure = reason
                    publish(.unavailable(reason: "PipeWire went away (\(reason))"))
                    break
                }
            }
            try? await Task.sleep(for: configuration.retryInterval)
        }
        echoCancellers.closeAll()
        let loop = state.withLock { state in
            for continuation in state.subscribers.values { continuation.finish() }
            state.subscribers = [:]
            defer { state.loop = nil }
            return state.loop
        }
        loop?.close()
    }

    /// The current loop, connected again if PipeWire dropped it, or a new one.
    private func connect() throws(AudioNodesError) -> PipeWireLoop {
        if let loop = state.withLock({ $0.loop }) {
            if loop.connectionState != .connected { try loop.reconnect() }
            return loop
        }
        let loop = try PipeWireLoop(configuration: configuration.pipeWire, logger: logger)
        state.withLock { $0.loop = loop }
        return loop
    }

    private func publish(_ availability: Availability) {
        state.withLock { state in
            state.availability = availability
            for continuation in state.subscribers.values { continuation.yield(availability) }
        }
    }

    /// Whether sessions can have nodes now.
    var currentAvailability: Availability {
        state.withLock { $0.availability }
    }

    /// The current availability, then each change, until the backend stops.
    func availabilityChanges() -> AsyncStream<Availability> {
        let (stream, continuation) = AsyncStream.makeStream(of: Availability.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            defer { state.nextSubscriber += 1 }
            state.subscribers[state.nextSubscriber] = continuation
            continuation.yield(state.availability)
            return state.nextSubscriber
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Gives `session` its nodes while PipeWire is available (recreating them when it comes back)
    /// and streams its input node's audio to it; returns when cancelled, with the nodes removed.
    func serve(_ session: LiveSession, logger: Logger) async {
        guard let configuration = session.audioConfiguration else { return }
        await withDiscardingTaskGroup { group in
            var audio: SessionAudio?
            var canceller: EchoCanceller?
            for await availability in availabilityChanges() {
                if let old = audio {
                    await remove(old, of: session)
                    audio = nil
                }
                if let old = canceller {
                    echoCancellers.release(old)
                    canceller = nil
                }
                switch availability {
                case .unavailable(let reason):
                    await session.audioUnavailable(reason)
                case .available(let loop):
                    let echo = await echoCancel(for: configuration, session: session, loop: loop, logger: logger)
                    canceller = echo.canceller
                    do {
                        let new = try SessionAudio(session: session.id, pipeWire: loop,
                                                   configuration: echo.nodes, logger: logger)
                        audio = new
                        await session.setEchoCancel(echo.decision)
                        await session.attachAudio(new)
                        if let input = new.input {
                            group.addTask { await Self.stream(input, to: session) }
                        }
                        group.addTask { await Self.publishLevels(of: new, for: session) }
                    } catch {
                        logger.warning("could not create the session's audio nodes: \(error)")
                        await session.audioUnavailable("The audio nodes could not be created: \(error)")
                    }
                }
            }
            if let audio {
                await remove(audio, of: session)
            }
            if let canceller {
                echoCancellers.release(canceller)
            }
        }
    }

    /// Puts back the streams routed into the session's sink, then removes its nodes.
    private func remove(_ audio: SessionAudio, of session: LiveSession) async {
        let routes = await session.removeRoutes { _ in true }
        if case .available(let loop) = currentAvailability {
            for route in routes { loop.graph.unroute(route) }
        }
        await session.detachAudio()
        audio.close()
    }

    /// Sends each chunk the input node captures, and `audioStreamEnd` when it goes quiet, until the
    /// node closes.
    private static func stream(_ input: VirtualSink, to session: LiveSession) async {
        for await event in input.events {
            switch event {
            case .audio(let chunk): await session.sendAudio(chunk)
            case .quiet: await session.endAudioStream()
            }
        }
    }
}
