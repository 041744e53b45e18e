import AudioNodes
import DBusService
import Foundation
import LiveProtocol
import Logging

extension LiveSession {
    // MARK: Nodes

    /// The session's nodes exist (again): the voice plays into them, their input is sent.
    func attachAudio(_ nodes: SessionAudio) async {
        audio.nodes = nodes
        audio.status = .active
        await emit(.propertiesChanged(["AudioState", "InputNode", "OutputNode"]))
    }

    /// The nodes are about to be removed; their counters are kept.
    func detachAudio() async {
        guard audio.nodes != nil else { return }
        audio.retireNodes()
        audio.status = .starting
        await emit(.propertiesChanged(["AudioState", "InputNode", "OutputNode"]))
    }

    /// PipeWire is unreachable: the session goes on without nodes and says why.
    func audioUnavailable(_ reason: String) async {
        audio.retireNodes()
        guard audio.status != .unavailable else { return }
        audio.status = .unavailable
        lastError = "\(reason). The session goes on without audio; its nodes come back when PipeWire runs again."
        await emit(.propertiesChanged(["AudioState", "InputNode", "OutputNode", "LastError"]))
    }

    // MARK: Routing

    /// The sink apps can be routed into, once it is in the graph.
    func routableSink() -> (name: String, nodeID: UInt32)? {
        guard audioConfiguration?.input.source == .virtualSink, let input = audio.nodes?.input,
            let nodeID = input.nodeID
        else { return nil }
        return (input.name, nodeID)
    }

    /// Remembers a stream routed into the sink, to put it back later.
    func addRoute(_ route: AppRoute) {
        audio.routes.append(route)
    }

    /// Forgets and returns the routes `predicate` selects.
    func removeRoutes(where predicate: (AppRoute) -> Bool) -> [AppRoute] {
        let removed = audio.routes.filter(predicate)
        audio.routes.removeAll(where: predicate)
        return removed
    }

    /// Forgets and returns the routes of the stream with node id `query`.
    func removeRoutes(matching query: String) -> [AppRoute] {
        removeRoutes { String($0.applicationNodeID) == query }
    }

    // MARK: Input

    /// Sends a captured chunk as `realtimeInput.audio`. While the session reconnects the chunk is
    /// held and sent on the next connection; while it connects or closes it is counted as dropped.
    func sendAudio(_ chunk: AudioChunk) async {
        let samples = chunk.sampleCount
        audio.samplesCaptured += samples
        let holds = link.holdsInput
        guard state == .active || holds, closeCause == nil else {
            audio.samplesDropped += samples
            return
        }
        guard admitInput(chunk) else { return }
        do {
            guard try await sendRealtime(.realtimeInput(.audio(.pcm(guarded(chunk).bytes, sampleRate: 16_000))), samples: samples, kept: true) else {
                audio.samplesDropped += samples
                return
            }
        } catch {
            audio.samplesDropped += samples
            return
        }
        audio.samplesSent += samples
        if chunk.capturedAt > 0, !holds {
            audio.uplink.record(nanoseconds: AudioClock.nanoseconds() - chunk.capturedAt)
        }
    }

    /// The input went quiet: sends `audioStreamEnd`, which the service takes only with its
    /// automatic activity detection (protocol §2.3).
    func endAudioStream() async {
        guard configuration.automaticActivityDetection, state == .active, !talk.muted, !talk.streamEnded else { return }
        do {
            try await sendRealtime(.realtimeInput(RealtimeInput(audioStreamEnd: true)))
            talk.streamEnded = true
            conversation.userInput()
            expectReply()
        } catch {
            return
        }
    }

    // MARK: Voice

    /// Queues the model's audio on the microphone (and the speaker stream).
    func playVoice(_ blob: Blob, receivedAt: ContinuousClock.Instant) {
        audio.samplesReceived += blob.data.count / 2
        guard let nodes = audio.nodes else { return }
        blob.data.withUnsafeBytes { nodes.pushVoice(bytes: $0) }
        noteVoiceQueued(bufferedMilliseconds: max(nodes.output.bufferedMilliseconds, nodes.speaker?.bufferedMilliseconds ?? 0))
        let elapsed = ContinuousClock.now - receivedAt
        audio.downlink.record(nanoseconds: Int(elapsed.components.seconds) * 1_000_000_000
            + Int(elapsed.components.attoseconds / 1_000_000_000))
    }

    // MARK: Properties

    /// The audio properties: nodes, counters and (when `latency`, as the percentiles sort the
    /// windows) the latency.
    func audioPropertyValues(latency wantsLatency: Bool) -> [String: DBusValue] {
        let nodes = audio.nodes
        var latency: [DBusValue: DBusValue] = [:]
        for (key, window, fraction) in !wantsLatency ? [] : [
            ("uplink_p50_ms", audio.uplink, 0.5), ("uplink_p99_ms", audio.uplink, 0.99),
            ("downlink_p50_ms", audio.downlink, 0.5), ("downlink_p99_ms", audio.downlink, 0.99),
        ] {
            if let value = window.percentile(fraction) { latency[.string(key)] = .variant(.double(value)) }
        }
        let outputRate = Double(audioConfiguration?.output.sampleRate ?? 24_000)
        let inputRate = Double(audioConfiguration?.input.sampleRate ?? 16_000)
        let jitter = audioConfiguration.map { Int(($0.output.targetDepth / .milliseconds(1)).rounded()) } ?? 0
        return [
            "AudioState": .string(audio.status.rawValue),
            "InputNode": .string(nodes?.input?.name ?? ""),
            "OutputNode": .string(nodes?.output.name ?? ""),
            "Underruns": .uint32(UInt32(clamping: audio.underruns)),
            "JitterBufferMs": .uint32(UInt32(clamping: jitter)),
            "AudioSentSeconds": .double(Double(audio.samplesSent) / inputRate),
            "AudioDroppedSeconds": .double(Double(audio.samplesDropped) / inputRate),
            "AudioReceivedSeconds": .double(Double(audio.samplesReceived) / outputRate),
            "AudioPlayedSeconds": .double(Double(audio.framesPlayed) / outputRate),
            "AudioLatency": .dictionary(key: .string, value: .variant, latency),
        ]
    }
}
