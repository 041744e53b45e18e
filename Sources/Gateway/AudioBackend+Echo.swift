import AudioNodes
import Logging

extension AudioBackend {
    /// What the echo-cancellation policy decided for a session's nodes: the decision, the
    /// canceller when one is used (release it with the nodes), and the nodes' configuration
    /// (capturing the cancelled source instead of the microphone).
    struct EchoSetup {
        var decision: EchoCancelDecision
        var canceller: EchoCanceller?
        var nodes: SessionAudio.Configuration
    }

    /// Decides whether the session's microphone goes through an echo canceller (see
    /// ``EchoCancelDecision``) from the graph as it is now, and loads or shares the canceller.
    func echoCancel(for configuration: SessionAudio.Configuration, session: LiveSession, loop: PipeWireLoop,
                    logger: Logger) async -> EchoSetup {
        var nodes = configuration
        guard configuration.capturesInput, configuration.input.source != .virtualSink,
              configuration.echoCancel != .off
        else {
            return EchoSetup(decision: .decide(configuration, microphone: nil, speakers: nil), canceller: nil,
                             nodes: nodes)
        }
        let graph = loop.graph
        try? await graph.synchronize()
        let microphone: AudioDevice? = switch configuration.input.source {
        case .defaultMicrophone: graph.defaultSource()
        case .node(let name): graph.device(named: name)
        case .virtualSink: nil
        }
        let decision = EchoCancelDecision.decide(configuration, microphone: microphone, speakers: graph.defaultSink())
        logger.info("echo cancellation \(decision.state): \(decision.reason)", metadata: ["session": "\(session.id)"])
        guard decision.enabled, let microphone = decision.microphone, let speakers = decision.speakers else {
            return EchoSetup(decision: decision, canceller: nil, nodes: nodes)
        }
        let canceller: EchoCanceller
        do {
            canceller = try echoCancellers.acquire(
                EchoCanceller.Configuration(microphone: microphone.name, speakers: speakers.name), pipeWire: loop)
        } catch {
            logger.warning("the echo canceller could not be loaded: \(error)", metadata: ["session": "\(session.id)"])
            return EchoSetup(decision: .failed("\(error)"), canceller: nil, nodes: nodes)
        }
        guard await canceller.waitUntilReady() else {
            echoCancellers.release(canceller)
            logger.warning("the echo canceller's source did not appear", metadata: ["session": "\(session.id)"])
            return EchoSetup(decision: .failed("its source \(canceller.sourceName) did not appear in the graph"),
                             canceller: nil, nodes: nodes)
        }
        nodes.input.source = .node(canceller.sourceName)
        return EchoSetup(decision: decision, canceller: canceller, nodes: nodes)
    }

    /// Emits the session's level changes while someone watches them, at most 15 times a second,
    /// for as long as `nodes` are the session's.
    static func publishLevels(of nodes: SessionAudio, for session: LiveSession) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: SessionLevels.publishInterval)
            guard await session.publishLevels(of: nodes) else { return }
        }
    }
}
