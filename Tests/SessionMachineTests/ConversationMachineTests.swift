import Foundation
import LiveProtocol
import Testing

@testable import Gateway

/// The conversation without a socket: each phase against each event, and the sequences users hit
/// (an interrupt after the model finished while its voice still plays, a drop mid-reply, a request
/// with two utterances).
@Suite struct ConversationMachineTests {
    typealias Machine = ConversationMachine
    static let voice = Blob(mimeType: "audio/pcm;rate=24000", data: Data([1, 0, 2, 0]))

    static func audio() -> ServerContent { ServerContent(modelTurn: Content(parts: [Part(inlineData: voice)])) }
    static func text(_ text: String) -> ServerContent { ServerContent(modelTurn: Content(parts: [Part(text: text)])) }

    /// A machine in `phase`.
    static func machine(in phase: Machine.Phase) -> Machine {
        var m = Machine()
        switch phase {
        case .idle: break
        case .userTurn: m.userText()
        case .responding: _ = m.content(audio())
        case .dropping:
            _ = m.content(audio())
            _ = m.interrupt(audible: true)
        }
        #expect(m.phase == phase)
        return m
    }

    static let phases: [Machine.Phase] = [.idle, .userTurn, .responding, .dropping]

    static let blocking: @Sendable (String) -> Bool = { _ in true }
    static let nonBlocking: @Sendable (String) -> Bool = { _ in false }

    static func answer(_ id: String, _ name: String = "f") -> FunctionResponse {
        FunctionResponse(id: id, name: name, response: .object(["ok": .bool(true)]))
    }

    static func emitted(_ actions: [Machine.Action]) -> [SessionEvent] {
        actions.compactMap { if case .emit(let event) = $0 { event } else { nil } }
    }

    // MARK: Every phase against every event

    @Test(arguments: phases) func userText(_ phase: Machine.Phase) {
        var m = Self.machine(in: phase)
        m.userText()
        #expect(m.phase == (phase == .responding ? .responding : .userTurn))
    }

    @Test(arguments: phases) func audioOfTheReply(_ phase: Machine.Phase) {
        var m = Self.machine(in: phase)
        let actions = m.content(Self.audio())
        if phase == .dropping {
            #expect(actions.isEmpty, "the rest of an interrupted reply is dropped")
            #expect(m.phase == .dropping)
        } else {
            #expect(actions == [.playVoice(Self.voice)])
            #expect(m.phase == .responding && m.modelSpeaking)
        }
    }

    @Test(arguments: phases) func textAndTranscriptOfTheReply(_ phase: Machine.Phase) {
        var m = Self.machine(in: phase)
        var content = Self.text("Hello")
        content.outputTranscription = Transcription(text: "Hello", finished: false)
        let events = Self.emitted(m.content(content))
        if phase == .dropping {
            #expect(events.isEmpty)
        } else {
            #expect(events == [
                .text(turn: 0, sequence: 0, text: "Hello"),
                .outputTranscription(turn: 0, sequence: 1, text: "Hello", finished: false),
            ])
        }
    }

    @Test(arguments: phases) func thoughtsAreNotTheReply(_ phase: Machine.Phase) {
        var m = Self.machine(in: phase)
        let actions = m.content(ServerContent(modelTurn: Content(parts: [Part(text: "hmm", thought: true)])))
        #expect(actions.isEmpty)
        #expect(m.phase == phase)
    }

    @Test(arguments: phases) func inputTranscriptionIsAlwaysReported(_ phase: Machine.Phase) {
        var m = Self.machine(in: phase)
        let events = Self.emitted(m.content(ServerContent(inputTranscription: Transcription(text: "hi", finished: true))))
        #expect(events == [.inputTranscription(turn: 0, sequence: 0, text: "hi", finished: true)])
    }

    @Test(arguments: phases) func interruptedByTheService(_ phase: Machine.Phase) {
        var m = Self.machine(in: phase)
        let actions = m.content(ServerContent(interrupted: true))
        #expect(actions.first == .flushVoice)
        #expect(m.phase == .idle)
        // Interrupted once per turn: the owner's Interrupt already reported it when dropping.
        #expect(Self.emitted(actions) == (phase == .dropping ? [] : [.interrupted(turn: 0)]))
    }

    @Test(arguments: phases) func ownersInterrupt(_ phase: Machine.Phase) {
        var m = Self.machine(in: phase)
        let actions = m.interrupt(audible: false)
        #expect(actions.first == .flushVoice)
        #expect(Self.emitted(actions) == (phase == .responding ? [.interrupted(turn: 0)] : []))
        #expect(m.phase == (phase == .responding ? .dropping : phase))
    }

    @Test(arguments: phases) func generationComplete(_ phase: Machine.Phase) {
        var m = Self.machine(in: phase)
        let actions = m.content(ServerContent(generationComplete: true))
        #expect(actions.first == .finishVoiceTurn)
        #expect(Self.emitted(actions) == (phase == .dropping ? [] : [.generationComplete(turn: 0)]))
    }

    @Test(arguments: phases) func turnCompleteEndsTheRequest(_ phase: Machine.Phase) {
        var m = Self.machine(in: phase)
        let actions = m.turnComplete(reason: "")
        #expect(actions == [
            .finishVoiceTurn, .emit(.utteranceComplete(turn: 0, utterance: 0, requestComplete: true)),
            .emit(.turnComplete(turn: 0, reason: "")), .emit(.propertiesChanged(["Turn", "Usage"])),
        ])
        #expect(m.turn == 1 && m.phase == .idle)
        #expect(Self.emitted(m.content(Self.text("next"))) == [.text(turn: 1, sequence: 0, text: "next")])
    }

    @Test(arguments: phases) func toolCallsArePendingBesideAnyPhase(_ phase: Machine.Phase) {
        var m = Self.machine(in: phase)
        let events = Self.emitted(
            m.toolCalls([FunctionCall(id: "c1", name: "lookup", args: .object(["q": .string("x")]))], blocking: Self.blocking))
        #expect(events == [.toolCall(id: "c1", name: "lookup", arguments: "{\"q\":\"x\"}")])
        #expect(m.phase == phase)
        #expect(m.pendingCall("c1")?.name == "lookup")
    }

    @Test(arguments: phases) func resumedCancelsPendingCallsAndForgetsTheReply(_ phase: Machine.Phase) {
        var m = Self.machine(in: phase)
        _ = m.toolCalls([FunctionCall(id: "b", name: "f"), FunctionCall(id: "a", name: "g")], blocking: Self.blocking)
        #expect(Self.emitted(m.resumed()) == [.toolCallCancellation(ids: ["a", "b"])])
        #expect(m.phase == .idle && m.pendingCalls.isEmpty)
        #expect(m.resumed().isEmpty, "nothing left to cancel")
    }

    // MARK: Sequences

    @Test func interruptAfterTheModelFinishedWhileItsVoiceStillPlays() {
        var m = Machine()
        _ = m.content(Self.audio())
        _ = m.turnComplete(reason: "")
        let actions = m.interrupt(audible: true)
        #expect(actions == [.flushVoice, .emit(.interrupted(turn: 0))], "the finished turn is the one cut")
        #expect(m.phase == .idle)
        #expect(m.interrupt(audible: true) == [.flushVoice], "once per turn")
    }

    @Test func interruptWithNothingPlayingOnlyFlushes() {
        var m = Machine()
        #expect(m.interrupt(audible: true) == [.flushVoice], "turn 0 has no earlier reply")
    }

    @Test func droppingEndsAtTheNextTurn() {
        var m = Self.machine(in: .dropping)
        #expect(m.content(ServerContent(generationComplete: true)) == [.finishVoiceTurn])
        _ = m.turnComplete(reason: "")
        #expect(m.content(Self.audio()) == [.playVoice(Self.voice)])
    }

    @Test func textAfterAnInterruptIsAnsweredAnew() {
        var m = Self.machine(in: .dropping)
        m.userText()
        #expect(m.content(Self.audio()) == [.playVoice(Self.voice)])
    }

    @Test func aToolResponseDoesNotEndTheDropping() {
        var m = Self.machine(in: .dropping)
        _ = m.toolCalls([FunctionCall(id: "c", name: "f")], blocking: Self.blocking)
        _ = m.answered(Self.answer("c"), willContinue: false)
        #expect(m.phase == .dropping && m.pendingCalls.isEmpty)
    }

    @Test func aCallThatWillContinueStaysPending() {
        var m = Machine()
        _ = m.toolCalls([FunctionCall(id: "c", name: "f")], blocking: Self.blocking)
        _ = m.answered(Self.answer("c"), willContinue: true)
        #expect(m.pendingCall("c") != nil)
        _ = m.answered(Self.answer("c"), willContinue: false)
        #expect(m.pendingCall("c") == nil && m.phase == .userTurn)
    }

    @Test func cancelledCallsAreReportedOnce() {
        var m = Machine()
        _ = m.toolCalls([FunctionCall(id: "c", name: "f")], blocking: Self.nonBlocking)
        #expect(Self.emitted(m.toolCallsCancelled(["c"])) == [.toolCallCancellation(ids: ["c"])])
        #expect(m.toolCallsCancelled([]).isEmpty)
        #expect(m.pendingCalls.isEmpty)
    }

    @Test func aDropMidReplyStartsTheReplyAgainOnTheNewConnection() {
        var m = Machine()
        m.userText()
        _ = m.content(Self.text("Half a"))
        _ = m.resumed()
        #expect(m.phase == .idle)
        #expect(Self.emitted(m.content(Self.text("Whole"))) == [.text(turn: 0, sequence: 1, text: "Whole")])
    }

    @Test func aRequestWithTwoUtterancesIsOneTurn() {
        var m = Machine()
        m.userText()
        _ = m.content(Self.text("Checking that now…"))
        #expect(
            m.turnComplete(reason: "", requestComplete: false)
                == [.finishVoiceTurn, .emit(.utteranceComplete(turn: 0, utterance: 0, requestComplete: false))])
        #expect(m.turn == 0)
        #expect(Self.emitted(m.content(Self.text("It is 20 °C."))) == [.text(turn: 0, sequence: 1, text: "It is 20 °C.")])
        #expect(
            Self.emitted(m.turnComplete(reason: "", requestComplete: true)).prefix(2) == [
                .utteranceComplete(turn: 0, utterance: 1, requestComplete: true), .turnComplete(turn: 0, reason: ""),
            ])
        #expect(m.turn == 1 && m.utterance == 0)
    }

    @Test(arguments: [(nil, true), ("IDLE", true), ("REQUIRES_ACTION", true), ("IN_PROGRESS", false), ("in_progress", false)])
    func interactionStatusDecidesTheEndOfARequest(_ status: String?, _ complete: Bool) {
        let content = ServerContent(turnComplete: true, interactionStatus: status.map(InteractionStatus.init(rawValue:)))
        #expect(content.completesRequest == complete)
    }

    @Test func realtimeInputIsHeldWhileABlockingCallIsPendingAndSentAfterTheAnswer() {
        var m = Machine()
        let chunk = ClientMessage.realtimeInput(.audio(.pcm(Data(count: 640), sampleRate: 16_000)))
        #expect(m.realtimeInput(chunk, samples: 320, kept: true) == .send)
        _ = m.toolCalls([FunctionCall(id: "c", name: "lookup")], blocking: Self.blocking)
        #expect(m.gatesRealtimeInput && m.blockingCallIDs == ["c"])
        #expect(m.realtimeInput(chunk, samples: 320, kept: true) == .held)
        let end = ClientMessage.realtimeInput(RealtimeInput(audioStreamEnd: true))
        #expect(m.realtimeInput(end, samples: 0, kept: false) == .held)
        #expect(m.held.heldSamples == 320)
        let actions = m.answered(Self.answer("c", "lookup"), willContinue: false)
        #expect(actions == [
            .sendHeld(HeldInput.Entry(message: chunk, kept: true)), .sendHeld(HeldInput.Entry(message: end, kept: false)),
        ])
        #expect(!m.gatesRealtimeInput && m.held.heldSamples == 0)
        #expect(m.realtimeInput(chunk, samples: 320, kept: true) == .send)
    }

    @Test func heldAudioIsBoundedAndTheRestCounted() {
        var m = Machine()
        _ = m.toolCalls([FunctionCall(id: "c", name: "f")], blocking: Self.blocking)
        let second = ClientMessage.realtimeInput(.audio(.pcm(Data(count: 32_000), sampleRate: 16_000)))
        for _ in 0..<5 { #expect(m.realtimeInput(second, samples: 16_000, kept: true) == .held) }
        #expect(m.realtimeInput(second, samples: 16_000, kept: true) == .dropped)
        #expect(m.held.droppedSamples == 16_000 && m.held.heldSamples == HeldInput.capacitySamples)
        let control = ClientMessage.realtimeInput(RealtimeInput(activityEnd: EmptyObject()))
        #expect(m.realtimeInput(control, samples: 0, kept: false) == .held, "control messages are always held")
    }

    @Test func nonBlockingCallsDoNotGateInput() {
        var m = Machine()
        _ = m.toolCalls([FunctionCall(id: "c", name: "f")], blocking: Self.nonBlocking)
        #expect(!m.gatesRealtimeInput)
        #expect(m.realtimeInput(.realtimeInput(RealtimeInput(audioStreamEnd: true)), samples: 0, kept: false) == .send)
    }

    @Test func theGateOpensWhenTheServiceCancelsTheCallOrTheSessionMoves() {
        var m = Machine()
        _ = m.toolCalls([FunctionCall(id: "c", name: "f")], blocking: Self.blocking)
        let end = ClientMessage.realtimeInput(RealtimeInput(audioStreamEnd: true))
        _ = m.realtimeInput(end, samples: 0, kept: false)
        #expect(m.toolCallsCancelled(["c"]).last == .sendHeld(HeldInput.Entry(message: end, kept: false)))
        _ = m.toolCalls([FunctionCall(id: "d", name: "f")], blocking: Self.blocking)
        _ = m.realtimeInput(end, samples: 0, kept: false)
        #expect(m.resumed().last == .sendHeld(HeldInput.Entry(message: end, kept: false)))
    }

    @Test func aCallSentAgainAfterItWasAnsweredGetsTheSameAnswerNotASecondSignal() {
        var m = Machine()
        _ = m.toolCalls([FunctionCall(id: "c", name: "f")], blocking: Self.blocking)
        let answer = Self.answer("c")
        _ = m.answered(answer, willContinue: false)
        // The service cancelled it after ~12 s and sent it again with the same id.
        _ = m.toolCallsCancelled(["c"])
        #expect(m.toolCalls([FunctionCall(id: "c", name: "f")], blocking: Self.blocking) == [.resendAnswer(answer)])
        #expect(m.pendingCalls.isEmpty && m.repeatedCalls == 1)
    }

    @Test func aCallSentAgainWhilePendingIsNotForwardedTwice() {
        var m = Machine()
        _ = m.toolCalls([FunctionCall(id: "c", name: "f")], blocking: Self.blocking)
        #expect(m.toolCalls([FunctionCall(id: "c", name: "f")], blocking: Self.blocking) == [.ignoredRepeatedCall(id: "c")])
        // After a cancellation it is pending anew and is forwarded.
        _ = m.toolCallsCancelled(["c"])
        #expect(Self.emitted(m.toolCalls([FunctionCall(id: "c", name: "f")], blocking: Self.blocking)).count == 1)
    }

    @Test func answersKeptAreBounded() {
        var m = Machine()
        for i in 0..<(Machine.answersKept + 1) {
            _ = m.toolCalls([FunctionCall(id: "c\(i)", name: "f")], blocking: Self.nonBlocking)
            _ = m.answered(Self.answer("c\(i)"), willContinue: false)
        }
        #expect(Self.emitted(m.toolCalls([FunctionCall(id: "c0", name: "f")], blocking: Self.nonBlocking)).count == 1)
    }

    @Test func mimeTypesOfAnyCaseAreVoice() {
        var m = Machine()
        let loud = Blob(mimeType: "AUDIO/PCM;rate=24000", data: Data([0, 0]))
        #expect(m.content(ServerContent(modelTurn: Content(parts: [Part(inlineData: loud)]))) == [.playVoice(loud)])
        let picture = Blob(mimeType: "image/png", data: Data([0]))
        var n = Machine()
        #expect(n.content(ServerContent(modelTurn: Content(parts: [Part(inlineData: picture)]))).isEmpty)
    }

    @Test func usageIsSummed() {
        var m = Machine()
        var report = UsageMetadata()
        report.totalTokenCount = 5
        m.usage(report)
        report.totalTokenCount = 7
        m.usage(report)
        #expect(m.usage.entries["total_tokens"] == 12)
    }
}
