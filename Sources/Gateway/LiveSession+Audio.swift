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
        voice.play(into: nodes)
        uplink.capture(from: nodes.input)
        audio.status = .active
        emit(.propertiesChanged(["AudioState", "InputNode", "OutputNode"]))
    }

    /// The nodes are about to be removed; their counters are kept.
    func detachAudio() async {
        guard audio.nodes != nil else { return }
        voice.play(into: nil)
        uplink.capture(from: nil)
        audio.retireNodes()
        audio.status = .starting
        emit(.propertiesChanged(["AudioState", "InputNode", "OutputNode"]))
    }

    /// PipeWire is unreachable: the session goes on without nodes and says why.
    func audioUnavailable(_ reason: String) async {
        voice.play(into: nil)
        uplink.capture(from: nil)
        audio.retireNodes()
        guard audio.status != .unavailable else { return }
        audio.status = .unavailable
        lastError = "\(reason). The session goes on without audio; its nodes come back when PipeWire runs again."
        emit(.propertiesChanged(["AudioState", "InputNode", "OutputNode", "LastError"]))
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

    /// Sends a chunk that came as an event (only when the uplink pump could not take the input
    /// node) as `realtimeInput.audio`. While the session reconnects the chunk is held and sent on
    /// the next connection; while it connects or closes it is counted as dropped.
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
        guard configuration.automaticActivityDetection, state == .active, !talk.muted, !audioStreamEnded() else { return }
        do {
            try await sendRealtime(.realtimeInput(RealtimeInput(audioStreamEnd: true)))
            noteAudioStreamEnded()
            conversation.userInput()
            expectReply()
        } catch {
            return
        }
    }

    // MARK: Voice

    /// Queues the model's audio that came as an event (before the connection's fast path was
    /// set up, or another MIME spelling) on the microphone (and the speaker stream).
    func playVoice(_ blob: Blob, receivedAt: ContinuousClock.Instant) {
        blob.data.withUnsafeBytes { voice.queue($0, receivedAt: receivedAt) }
    }

    /// The connection's fast path queued model audio and asked to say so: the reply is arriving.
    func voiceQueued(samples: Int) {
        conversation.voiceQueued()
        noteReplyContent(voice: true)
        followConversation()
    }

    /// Tells the fast path what the conversation decided: drop the voice while the reply is
    /// dropped, and announce the next audio unless a reply is arriving.
    func followConversation() {
        voice.follow(dropping: conversation.phase == .dropping, announce: conversation.phase != .responding)
    }

    // MARK: Properties

    /// The audio properties: nodes, counters and (when `latency`, as the percentiles sort the
    /// windows) the latency.
    func audioPropertyValues(latency wantsLatency: Bool) -> [String: DBusValue] {
        let nodes = audio.nodes
        var latency: [DBusValue: DBusValue] = [:]
        let downlink = wantsLatency ? voice.downlink : LatencyWindow()
        let pumped = wantsLatency ? uplink.uplink : LatencyWindow()
        let uplinkWindow = pumped.count > 0 ? pumped : audio.uplink
        for (key, window, fraction) in !wantsLatency ? [] : [
            ("uplink_p50_ms", uplinkWindow, 0.5), ("uplink_p99_ms", uplinkWindow, 0.99),
            ("downlink_p50_ms", downlink, 0.5), ("downlink_p99_ms", downlink, 0.99),
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
            "AudioSentSeconds": .double(Double(audio.samplesSent + uplink.samplesSent) / inputRate),
            "AudioDroppedSeconds": .double(Double(audio.samplesDropped + uplink.samplesDropped + audio.inputOverruns) / inputRate),
            "InputOverrunSeconds": .double(Double(audio.inputOverruns) / inputRate),
            "InputEventsDropped": .uint32(UInt32(clamping: audio.inputEventsDropped)),
            "VoiceOverflowSeconds": .double(Double(audio.voiceOverflow) / outputRate),
            "AudioReceivedSeconds": .double(Double(voice.samplesReceived) / outputRate),
            "AudioPlayedSeconds": .double(Double(audio.framesPlayed) / outputRate),
            "AudioLatency": .dictionary(key: .string, value: .variant, latency),
        ]
    }
}
