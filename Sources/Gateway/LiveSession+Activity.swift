import AudioNodes
import DBusService
import Foundation
import LiveProtocol

/// The voice user's side of a session: push-to-talk (StartActivity / EndActivity), `Muted`, and
/// what the session measures and shows (`Activity`, `ResponseLatency`, `BargeInLatency`,
/// `Reconnects`). The hooks in the session's event handling are the `note…` methods.
extension LiveSession {
    /// The talk properties, in the order the XML declares them.
    static let talkPropertyNames = [
        "Muted", "AudioMutedSeconds", "Activity", "ResponseLatency", "BargeInLatency", "Reconnects", "LastReconnectCause",
    ]
    /// A reply not begun this long after the user's turn ended no longer counts as awaited.
    static let thinkingTimeout = 15_000_000_000

    // MARK: Manual activity

    /// Tells the service the user started speaking (`activityStart`). Only for sessions with the
    /// service's voice-activity detection disabled; an activity already open (after `Interrupt()`)
    /// stays open and nothing more is sent.
    public func startActivity() async throws(DBusError) {
        lastCall = .now
        try requireManualActivity("StartActivity")
        guard !talk.activityOpen else { return }
        try await sendRealtime(.realtimeInput(RealtimeInput(activityStart: EmptyObject())))
        noteActivityStarted()
    }

    /// Tells the service the user stopped speaking (`activityEnd`): it answers what it heard since
    /// `activityStart`.
    public func endActivity() async throws(DBusError) {
        lastCall = .now
        try requireManualActivity("EndActivity")
        guard talk.activityOpen else {
            throw DBusError(
                GatewayError.invalidState,
                "No activity is open: call StartActivity() when the user starts speaking, then EndActivity() when they stop.")
        }
        try await sendRealtime(.realtimeInput(RealtimeInput(activityEnd: EmptyObject())))
        talk.activityOpen = false
        userTurnEnded(speechEndedAt: AudioClock.nanoseconds())
        expectReply()
    }

    private func requireManualActivity(_ method: String) throws(DBusError) {
        guard !configuration.automaticActivityDetection else {
            throw DBusError(
                GatewayError.invalidState,
                "\(method) needs a session with manual activity detection; this one lets the service detect speech. "
                    + "Start the session with \"vad\": {\"disabled\": true} (gemini-live start --vad-disabled, or gemini-live talk --push-to-talk).")
        }
        guard state == .active || state == .reconnecting, link.closeCause == nil else {
            throw DBusError(GatewayError.invalidState, "The session is \(state.rawValue); it takes calls only while active.")
        }
    }

    /// activityStart went out (StartActivity, or Interrupt with manual activity detection).
    func noteActivityStarted() {
        talk.activityOpen = true
        talk.meter.userStartedSpeaking(at: AudioClock.nanoseconds(), overVoice: talk.indicator.modelAudible)
        talk.indicate { $0.userSpeaking = true; $0.awaitingReply = false }
    }

    // MARK: Mute

    /// Whether input audio is withheld (the `Muted` property).
    public var isMuted: Bool { talk.muted }

    /// Mutes or unmutes the session's input. While muted the input node still drains, nothing is
    /// sent and what was captured is counted (`AudioMutedSeconds`); with the service's
    /// voice-activity detection it is told the stream ended (`audioStreamEnd`), so speech cut by the
    /// mute is answered.
    public func setMuted(_ muted: Bool) async throws(DBusError) {
        lastCall = .now
        guard state != .closed, state != .closing else {
            throw DBusError(GatewayError.invalidState, "The session is \(state.rawValue); Muted can no longer change.")
        }
        guard muted != talk.muted else { return }
        talk.muted = muted
        uplink.mute(muted)
        talk.changed("Muted")
        guard muted else { return }
        followUplinkSpeech()
        let spoke = talk.lastLoudAt != nil
        if let loud = talk.lastLoudAt { userTurnEnded(speechEndedAt: loud) }
        guard configuration.automaticActivityDetection, state == .active, !audioStreamEnded() else { return }
        do {
            try await sendRealtime(.realtimeInput(RealtimeInput(audioStreamEnd: true)))
            noteAudioStreamEnded()
            if spoke { expectReply() }
        } catch {
            // The connection is going away; the next one starts with no open stream.
            return
        }
    }

    // MARK: Hooks

    /// Takes a captured chunk about to be sent: counts it and returns false while muted; otherwise
    /// follows the user's speech by its level (with the service's activity detection).
    func admitInput(_ chunk: AudioChunk) -> Bool {
        guard !talk.muted else {
            talk.samplesMuted += chunk.sampleCount
            return false
        }
        talk.streamEnded = false
        guard configuration.automaticActivityDetection else { return true }
        let time = chunk.capturedAt > 0 ? chunk.capturedAt : AudioClock.nanoseconds()
        let rms = chunk.bytes.withUnsafeBytes { AudioChunkLevel.rms($0) }
        if rms >= SessionTalkState.speechRMS {
            if talk.lastLoudAt == nil {
                talk.meter.userStartedSpeaking(at: time, overVoice: talk.indicator.modelAudible)
                talk.indicate { $0.userSpeaking = true; $0.awaitingReply = false }
                talk.clockWake?.yield()
            }
            talk.lastLoudAt = time
        } else if let loud = talk.lastLoudAt, time - loud >= SessionTalkState.speechHangover {
            userTurnEnded(speechEndedAt: loud)
        }
        return true
    }

    /// The user's speech ended at `time`: the reply is awaited from then.
    func userTurnEnded(speechEndedAt time: Int) {
        talk.lastLoudAt = nil
        talk.meter.userStoppedSpeaking(at: time)
        talk.awaitingSince = AudioClock.nanoseconds()
        talk.indicate { $0.userSpeaking = false; $0.awaitingReply = true }
    }

    /// A text turn went out: a reply is awaited; an earlier unanswered speech is no longer measured.
    func noteTextTurn() {
        talk.meter.replyNotHeard()
        talk.awaitingSince = AudioClock.nanoseconds()
        talk.indicate { $0.awaitingReply = true }
    }

    /// Reply content arrived (voice or text). Text, and voice in a session without nodes, counts as
    /// heard on arrival; voice played through nodes counts when its first sample plays.
    func noteReplyContent(voice: Bool) {
        if !talk.indicator.replyStreaming {
            talk.indicate { $0.replyStreaming = true; $0.awaitingReply = false }
        }
        if !voice || audio.nodes == nil, talk.meter.replyHeard(at: AudioClock.nanoseconds()) {
            talk.changed("ResponseLatency")
        }
        talk.clockWake?.yield()
    }

    /// The reply was cut (the service's interruption or Interrupt()): the voice is flushed now.
    func noteReplyCut() {
        talk.meter.replyWasCut()
        if talk.meter.voiceSilenced(at: AudioClock.nanoseconds()) { talk.changed("BargeInLatency") }
        talk.indicate { $0.replyStreaming = false; $0.voiceAudible = false }
    }

    /// The turn ended: its reply stops streaming (its voice may still play out).
    func noteTurnComplete() {
        talk.indicate { $0.replyStreaming = false; $0.awaitingReply = false }
        if !talk.indicator.voiceAudible, (audio.nodes?.output.bufferedMilliseconds ?? 0) == 0,
            (audio.nodes?.speaker?.bufferedMilliseconds ?? 0) == 0
        {
            talk.meter.replyNotHeard()
        }
    }

    /// The conversation decided `action`: reply content, a cut reply and the end of a turn move
    /// the indicator and the latency meter.
    func noteAction(_ action: ConversationMachine.Action) {
        switch action {
        case .playVoice: noteReplyContent(voice: true)
        case .emit(.text): noteReplyContent(voice: false)
        case .emit(.interrupted): noteReplyCut()
        case .emit(.turnComplete): noteTurnComplete()
        default: break
        }
    }

    /// The session reported state `new`: moving off an active connection counts as a reconnect.
    func noteStateReported(_ new: SessionState) {
        let old = talk.reportedState
        talk.reportedState = new
        guard old == .active, new == .reconnecting else { return }
        talk.reconnects += 1
        if link.handover != nil {
            talk.lastReconnectCause = "go_away: the service announced the end of the connection; the session moved with its latest handle"
        } else if !lastError.isEmpty {
            talk.lastReconnectCause = lastError
        } else {
            talk.lastReconnectCause = "The connection ended unexpectedly."
        }
        talk.changed("Reconnects", "LastReconnectCause")
    }

    // MARK: Clock

    /// Watches what changes without an event (the voice starting and going silent, speech that
    /// ends because the input stopped, a reply that never came) and sends the talk properties'
    /// `PropertiesChanged`, at most every 200 ms. It sleeps while there is nothing to watch, and
    /// returns when cancelled.
    public func runActivityClock() async {
        let (wakes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        talk.clockWake = continuation
        uplink.wakeOnSpeech(continuation)
        defer {
            uplink.wakeOnSpeech(nil)
            talk.clockWake = nil
            continuation.finish()
        }
        var iterator = wakes.makeAsyncIterator()
        while !Task.isCancelled, state != .closed {
            if !talk.needsTicks {
                guard await iterator.next() != nil else { return }
            }
            await tick()
            try? await Task.sleep(for: .milliseconds(25))
        }
    }

    private func tick() async {
        let now = AudioClock.nanoseconds()
        if let nodes = audio.nodes {
            let frames = audio.framesPlayed + (nodes.speaker?.framesPlayed ?? 0)
            if frames != talk.framesPlayedSeen {
                talk.framesPlayedSeen = frames
                talk.framesPlayedGrewAt = now
                if !talk.indicator.voiceAudible {
                    talk.indicate { $0.voiceAudible = true }
                    if talk.meter.replyHeard(at: now) { talk.changed("ResponseLatency") }
                }
            } else if talk.indicator.voiceAudible, now - talk.framesPlayedGrewAt >= SessionTalkState.voiceHangover {
                talk.indicate { $0.voiceAudible = false }
                if talk.meter.voiceSilenced(at: now) { talk.changed("BargeInLatency") }
            }
        } else if talk.indicator.voiceAudible {
            talk.indicate { $0.voiceAudible = false }
        }
        followUplinkSpeech()
        if let loud = talk.lastLoudAt, now - loud >= 3 * SessionTalkState.speechHangover {
            // No chunk arrived to end the speech (the input stopped playing).
            userTurnEnded(speechEndedAt: loud)
        }
        if talk.indicator.awaitingReply, now - talk.awaitingSince >= Self.thinkingTimeout {
            talk.meter.replyNotHeard()
            talk.indicate { $0.awaitingReply = false }
        }
        if !talk.dirty.isEmpty, now - talk.lastEmitAt >= SessionTalkState.emitInterval {
            let names = talk.dirty.sorted()
            talk.dirty = []
            talk.lastEmitAt = now
            emit(.propertiesChanged(names))
        }
    }

    // MARK: Properties

    /// The talk properties' current values.
    func talkPropertyValues() -> [String: DBusValue] {
        let inputRate = Double(audioConfiguration?.input.sampleRate ?? 16_000)
        return [
            "Muted": .boolean(talk.muted),
            "AudioMutedSeconds": .double(Double(talk.samplesMuted + uplink.samplesMuted) / inputRate),
            "Activity": .string(talk.indicator.activity.rawValue),
            "ResponseLatency": Self.latencyValue(talk.meter.response),
            "BargeInLatency": Self.latencyValue(talk.meter.bargeIn),
            "Reconnects": .uint32(UInt32(clamping: talk.reconnects)),
            "LastReconnectCause": .string(talk.lastReconnectCause),
        ]
    }

    private static func latencyValue(_ series: TurnLatencyMeter.Series) -> DBusValue {
        var entries: [DBusValue: DBusValue] = [.string("count"): .variant(.uint32(UInt32(clamping: series.count)))]
        if let last = series.lastMilliseconds { entries[.string("last_ms")] = .variant(.double(last)) }
        if let p50 = series.percentile(0.5) { entries[.string("p50_ms")] = .variant(.double(p50)) }
        if let p95 = series.percentile(0.95) { entries[.string("p95_ms")] = .variant(.double(p95)) }
        return .dictionary(key: .string, value: .variant, entries)
    }
}
