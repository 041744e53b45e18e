import LiveProtocol

extension LiveSession {
    /// Tells the uplink pump what the session's state means for captured audio: written on the
    /// connection while active, held for the next connection while the session resumes, dropped
    /// (and counted) otherwise. Called whenever the state may have changed (``reportState()``).
    func routeUplink() {
        if closeCause == nil, state == .active, let connection {
            uplink.route(.send(connection))
        } else if link.holdsInput {
            uplink.route(.hold)
        } else {
            uplink.route(.drop)
        }
    }
}

extension LiveSession {
    // MARK: The input gate, mute and speech on the pump

    /// After the conversation handled a tool call, its cancellation or its response (`wasGated`:
    /// whether it gated realtime input before): closes or opens the uplink pump's input gate and
    /// announces `InputGate`. Opening sends the audio the pump held, in order, after the held
    /// control messages the conversation released (``perform(_:receivedAt:)`` sent each after the
    /// audio held before it); audio the gate dropped past its bound is said in `LastError`.
    func inputGateFollows(wasGated: Bool) async {
        let gated = conversation.gatesRealtimeInput
        guard gated != wasGated else { return }
        var changed = ["InputGate"]
        if gated {
            uplink.closeGate()
        } else {
            heldInputMarks.removeAll()
            if await uplink.openGate() > 0 {
                lastError =
                    "Input beyond \(HeldInput.capacitySamples / 16_000) s was dropped while a blocking tool call was pending (the service refuses input then); answer tool calls promptly."
                changed.append("LastError")
            }
        }
        emit(.propertiesChanged(changed))
    }

    /// Takes in the user's speech as the uplink pump heard it (the pump follows the level of the
    /// chunks it sends, so the actor does no work per chunk): a new utterance starts the user's
    /// turn, its end (a pause of ``SessionTalkState/speechHangover``) ends it. Called by the
    /// activity clock, which the pump wakes, and before `Muted` ends the speech.
    func followUplinkSpeech() {
        guard configuration.automaticActivityDetection else { return }
        let speech = uplink.speech
        guard speech.utterances > 0 else { return }
        if speech.utterances != talk.utterancesFollowed {
            talk.utterancesFollowed = speech.utterances
            if talk.lastLoudAt == nil {
                talk.meter.userStartedSpeaking(at: speech.startedAt, overVoice: talk.indicator.modelAudible)
                talk.indicate { $0.userSpeaking = true; $0.awaitingReply = false }
            }
            talk.lastLoudAt = speech.lastLoudAt
        } else if speech.speaking, talk.lastLoudAt != nil {
            talk.lastLoudAt = speech.lastLoudAt
        }
        if !speech.speaking, talk.lastLoudAt != nil {
            userTurnEnded(speechEndedAt: speech.lastLoudAt)
        }
    }

    /// Whether audioStreamEnd was sent and no audio went out since (on the pump or as events).
    func audioStreamEnded() -> Bool {
        if talk.streamEnded, uplink.samplesAdmitted != talk.admittedAtStreamEnd { talk.streamEnded = false }
        return talk.streamEnded
    }

    /// audioStreamEnd went out.
    func noteAudioStreamEnded() {
        talk.streamEnded = true
        talk.admittedAtStreamEnd = uplink.samplesAdmitted
    }
}
