import Foundation
import LiveProtocol
import Logging

/// Non-blocking function calls, the input a pending blocking call refuses, and the scripted
/// re-sending of unanswered calls.
///
/// NON_BLOCKING (gemini-3.8-live's default; the only kind on extended thinking): the model sends
/// the `toolCall` and goes on speaking. Each response's `scheduling` decides what it does with the
/// result (ai.google.dev live-api/tools; google-genai `FunctionResponseScheduling`):
/// - `SILENT`: nothing is said; the result joins the conversation;
/// - `WHEN_IDLE` (also when no scheduling is given): spoken as a new utterance once the model is
///   not speaking (right away when idle);
/// - `INTERRUPT`: the utterance in progress is interrupted and the result spoken at once.
/// A response with `willContinue: true` keeps the call open for more responses.
///
/// BLOCKING: while such a call is pending the service refuses realtime audio, `activityStart`,
/// `activityEnd` and `audioStreamEnd` with 1008 "Operation is not implemented, or supported, or
/// enabled." (livekit/agents#4545, google/adk-python#4679, the forum thread of 56+ replies).
extension LiveSession {
    /// The close the service answers `input` with in this session's state, if any.
    func refusal(of input: RealtimeInput, settings: SessionSettings) -> CloseReason? {
        if input.mediaChunks != nil { return .mediaChunksDeprecated }
        let realtimeAudioOrActivity =
            input.audio != nil || input.activityStart != nil || input.activityEnd != nil || input.audioStreamEnd == true
        if realtimeAudioOrActivity, turn?.pendingCalls.isEmpty == false {
            context.logger.notice("realtime input while a blocking function call is pending")
            return .operationNotSupported
        }
        if settings.translation != nil, input.text != nil || input.video != nil {
            context.logger.notice("text or video sent to the translation model")
            return .invalidArgument
        }
        return nil
    }

    /// Takes a response to a non-blocking call.
    func answerAsync(_ answer: FunctionResponse, id: String) {
        guard let name = asyncCalls[id] else { return }
        if answer.willContinue != true {
            asyncCalls[id] = nil
            resendTimers.removeValue(forKey: id)?.cancel()
        }
        let result = "\(name) returned \(answer.response.compactText)"
        conversation.entries.append(.init(role: "tool", text: result, audioSeconds: 0))
        switch answer.scheduling ?? .whenIdle {
        case .silent:
            context.logger.debug("non-blocking result taken silently", metadata: ["id": "\(id)"])
        case .interrupt:
            interrupt()
            announce(result)
        default:
            if turn == nil { announce(result) } else { idleAnnouncements.append(result) }
        }
        if asyncCalls.isEmpty, turn == nil { sendResumable() }
    }

    /// Starts a model-initiated utterance speaking `result`.
    func announce(_ result: String) {
        let id = nextTurnID
        nextTurnID += 1
        turn = ModelTurn(id: id, promptTokens: conversation.contextTokens)
        sendNotResumable()
        dispatch(plan(reply: result, echo: nil), turn: id)
    }

    /// Arms the ``FaultScript/resendsPendingCallsAfter`` fault for `calls`.
    func scheduleResend(_ calls: [FunctionCall]) {
        guard let delay = context.faults.resendsPendingCallsAfter else { return }
        for call in calls {
            guard let id = call.id else { continue }
            // One timer per call, cancelled when it is answered or the connection ends; it only
            // calls back into this actor.
            resendTimers[id] = Task { [weak self] in
                do { try await Task.sleep(for: delay) } catch { return }
                await self?.resend(call)
            }
        }
    }

    /// Cancels `call` and sends it again with the same id, if it is still unanswered.
    func resend(_ call: FunctionCall) {
        guard let id = call.id, phase == .active else { return }
        resendTimers[id] = nil
        let pendingBlocking = turn?.pendingCalls.contains { $0.id == id } == true
        guard pendingBlocking || asyncCalls[id] != nil else { return }
        context.logger.info("cancelling and re-sending an unanswered call", metadata: ["id": "\(id)"])
        outbox.send(ServerMessage(toolCallCancellation: ToolCallCancellation(ids: [id])))
        outbox.send(ServerMessage(toolCall: ToolCall(functionCalls: [call])))
    }

    /// The translation model's reply: the caller's own voice (the echo voice) with an output
    /// transcript naming the target language, so a test can recognise a "translation".
    func translationPlan(of userTurn: UserTurn, into translation: TranslationConfig, number: Int) -> ReplyPlan {
        let target = translation.targetLanguageCode ?? "?"
        switch userTurn {
        case .audio(let samples) where samples.count >= EnergyVAD.frameSamples:
            let seconds = String(format: "%.1f", Double(samples.count) / Double(PCM.inputRate))
            return plan(reply: "[\(target)] translation of \(seconds) seconds of speech (turn \(number))", echo: samples)
        default:
            return plan(reply: "[\(target)] nothing to translate (turn \(number))", echo: nil)
        }
    }
}
