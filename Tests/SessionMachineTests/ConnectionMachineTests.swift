import LiveClient
import LiveProtocol
import Testing

@testable import Gateway

/// The connection's life without a socket: every phase against every event, and the sequences
/// the fault matrix exercises end to end.
@Suite struct ConnectionMachineTests {
    static let t0 = ContinuousClock.now
    static let drop = CloseExplanation.explain(code: 1011, reason: "Internal error occurred.")
    static let fatal = CloseExplanation.explain(code: 1008, reason: "Operation is not implemented, or supported, or enabled.")
    static let resumable = SessionResumptionUpdate(newHandle: "h1", resumable: true)

    /// A machine in `phase`, reached by the events that lead there.
    static func machine(in phase: ConnectionMachine.Phase, resumes: Bool = true) -> ConnectionMachine {
        var m = ConnectionMachine(resumes: resumes, reconnect: ReconnectPolicy(), stallTimeout: .seconds(20))
        if phase == .connecting {
            _ = m.start(handle: nil)
            return m
        }
        let first = m.start(handle: nil)!
        _ = m.attached(first)
        switch phase {
        case .connecting, .active:
            break
        case .handingOver:
            _ = m.resumptionUpdate(resumable, toolCallsPending: false)
            _ = m.goAway(timeLeft: 30, toolCallsPending: false, now: t0)
        case .reconnecting:
            _ = m.ended(first, .closed(drop), endingCause: nil, now: t0)
        case .closing:
            _ = m.close(.owner)
        case .closed:
            _ = m.close(.owner)
            _ = m.finished()
        }
        #expect(m.phase == phase)
        return m
    }

    static let phases: [ConnectionMachine.Phase] = [.connecting, .active, .handingOver, .reconnecting, .closing, .closed]

    // MARK: Every phase against every event

    @Test(arguments: phases) func startOpensOnlyTheFirstConnection(_ phase: ConnectionMachine.Phase) {
        var m = Self.machine(in: phase)
        #expect(m.start(handle: nil) == nil)
        var fresh = ConnectionMachine(resumes: true, reconnect: ReconnectPolicy(), stallTimeout: .seconds(20))
        let plan = fresh.start(handle: "restored")
        #expect(plan == LinkPlan(number: 1, purpose: .start, handle: "restored", delay: .zero))
        #expect(fresh.pendingLink == plan)
    }

    @Test(arguments: phases) func attachOfAStaleConnectionIsIgnored(_ phase: ConnectionMachine.Phase) {
        var m = Self.machine(in: phase)
        let before = m.phase
        #expect(m.attached(LinkPlan(number: 99, purpose: .handover, handle: nil, delay: .zero)) == .ignored)
        #expect(m.phase == before)
    }

    @Test(arguments: phases) func closeEndsEveryLiveSessionOnce(_ phase: ConnectionMachine.Phase) {
        var m = Self.machine(in: phase)
        let decision = m.close(.owner)
        switch phase {
        case .connecting:
            #expect(decision == .abandon(pending: 1))
        case .active:
            #expect(decision == .closeConnection(reason: "closed by the client", pending: nil))
        case .handingOver:
            #expect(decision == .closeConnection(reason: "closed by the client", pending: 2))
        case .reconnecting:
            #expect(decision == .abandon(pending: 2))
        case .closing, .closed:
            #expect(decision == .ignored)
        }
        if phase != .closed { #expect(m.phase == .closing) }
        #expect(m.close(.ownerLeft) == .ignored)
    }

    @Test(arguments: phases) func goAwayMovesOnlyAnActiveSession(_ phase: ConnectionMachine.Phase) {
        var m = Self.machine(in: phase)
        _ = m.resumptionUpdate(Self.resumable, toolCallsPending: false)
        let decision = m.goAway(timeLeft: 30, toolCallsPending: false, now: Self.t0)
        if phase == .active {
            guard case .move(let plan) = decision else {
                Issue.record("expected a move, got \(decision)")
                return
            }
            #expect(plan.purpose == .handover && plan.handle == "h1")
            #expect(m.phase == .handingOver && m.state == .reconnecting)
        } else {
            #expect(decision == .ignored)
        }
    }

    @Test(arguments: phases) func stallWatchdogRunsOnlyWhileActive(_ phase: ConnectionMachine.Phase) {
        var m = Self.machine(in: phase)
        let armed = m.expectReply(now: Self.t0)
        #expect((armed != nil) == (phase == .active))
        let due = m.stallDue(link: m.currentLink, now: Self.t0 + .seconds(21))
        if phase == .active {
            #expect(due == .abort(link: 1, silence: .seconds(21)))
        } else {
            #expect(due == .ignored)
        }
    }

    @Test(arguments: phases) func eventsOfTheCurrentConnectionCountOnlyWhileItIsOpen(_ phase: ConnectionMachine.Phase) {
        var m = Self.machine(in: phase)
        let counts = m.heard(link: 1)
        #expect(counts == [.active, .handingOver, .closing].contains(phase))
        let stranger = m.heard(link: 7)
        #expect(!stranger)
    }

    @Test(arguments: phases) func finishedHappensOnce(_ phase: ConnectionMachine.Phase) {
        var m = Self.machine(in: phase)
        #expect(m.finished() == (phase != .closed))
        #expect(m.phase == .closed && m.state == .closed)
        let again = m.finished()
        #expect(!again)
    }

    @Test(arguments: phases) func endOfTheCurrentConnection(_ phase: ConnectionMachine.Phase) {
        var m = Self.machine(in: phase)
        let decision = m.ended(
            LinkPlan(number: 1, purpose: .start, handle: nil, delay: .zero), .closed(Self.drop), endingCause: nil, now: Self.t0)
        switch (phase, decision) {
        case (.connecting, .failStart), (.connecting, .finish):
            break  // the first attempt ended before setup
        case (.active, .retry(let plan, _)):
            #expect(plan.purpose == .recovery && plan.delay == .milliseconds(250))
            #expect(m.phase == .reconnecting)
        case (.handingOver, .awaitNewLink):
            #expect(m.phase == .reconnecting)
        case (.reconnecting, .ignored), (.closed, .ignored):
            break
        case (.closing, .finish(let close, let error, _)):
            #expect(close?.code == 1011 && error == nil)
        default:
            Issue.record("\(phase): unexpected \(decision)")
        }
    }

    // MARK: Sequences

    @Test func firstConnectionFailingFailsTheStart() {
        var m = Self.machine(in: .connecting)
        let decision = m.ended(
            m.pendingLink!, .failed(.connectFailed("refused")), endingCause: nil, now: Self.t0)
        guard case .failStart(.connectFailed) = decision else {
            Issue.record("expected failStart, got \(decision)")
            return
        }
    }

    @Test func fatalCloseEndsTheSessionWithoutRetry() {
        var m = Self.machine(in: .active)
        let decision = m.ended(m.plan1, .closed(Self.fatal), endingCause: nil, now: Self.t0)
        guard case .finish(let close, nil, false) = decision else {
            Issue.record("expected finish, got \(decision)")
            return
        }
        #expect(close?.code == 1008)
        #expect(m.pendingLink == nil)
    }

    @Test func withoutResumptionADropEndsTheSession() {
        var m = Self.machine(in: .active, resumes: false)
        guard case .finish = m.ended(m.plan1, .closed(Self.drop), endingCause: nil, now: Self.t0) else {
            Issue.record("expected finish")
            return
        }
    }

    @Test func dropsBackOffAndGiveUpAfterTheBudget() {
        var m = Self.machine(in: .active)
        var now = Self.t0
        var delays: [Duration] = []
        var decision = m.ended(m.plan1, .closed(Self.drop), endingCause: nil, now: now)
        while case .retry(let plan, _) = decision {
            delays.append(plan.delay)
            now += plan.delay
            decision = m.ended(plan, .failed(.connectFailed("refused")), endingCause: nil, now: now)
        }
        #expect(delays.prefix(5) == [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4)])
        guard case .finish(_, let error?, _) = decision else {
            Issue.record("expected the budget to end it, got \(decision)")
            return
        }
        #expect(error.contains("within 30 s"))
    }

    @Test func aResumedConnectionResetsTheBackoff() {
        var m = Self.machine(in: .active)
        guard case .retry(let plan, _) = m.ended(m.plan1, .closed(Self.drop), endingCause: nil, now: Self.t0) else {
            Issue.record("expected a retry")
            return
        }
        #expect(m.attached(plan) == .resumed(previous: nil, contextKept: false))
        #expect(m.state == .reconnecting, "input stays held until the kept input was resent")
        m.resumeCompleted()
        #expect(m.phase == .active && m.currentLink == 2)
        guard case .retry(let again, _) = m.ended(plan, .closed(Self.drop), endingCause: nil, now: Self.t0 + .seconds(60))
        else {
            Issue.record("expected a retry")
            return
        }
        #expect(again.delay == .milliseconds(250))
    }

    @Test func forgottenHandleStartsAFreshSession() {
        var m = Self.machine(in: .active)
        _ = m.resumptionUpdate(Self.resumable, toolCallsPending: false)
        guard case .retry(let plan, _) = m.ended(m.plan1, .closed(Self.drop), endingCause: nil, now: Self.t0) else {
            Issue.record("expected a retry")
            return
        }
        #expect(plan.handle == "h1")
        let notFound = CloseExplanation.explain(code: 1008, reason: "Session not found.")
        let decision = m.ended(plan, .failed(.closedDuringSetup(notFound)), endingCause: nil, now: Self.t0)
        guard case .freshSession(let fresh, let lastError) = decision else {
            Issue.record("expected a fresh session, got \(decision) for \(notFound.category)")
            return
        }
        #expect(fresh.handle == nil && fresh.purpose == .recovery)
        #expect(lastError.contains("context is lost"))
        #expect(m.resumption.handle == nil)
    }

    @Test func goAwayDuringAToolCallWaitsForTheDeadline() {
        var m = Self.machine(in: .active)
        _ = m.resumptionUpdate(Self.resumable, toolCallsPending: true)
        let decision = m.goAway(timeLeft: 20, toolCallsPending: true, now: Self.t0)
        #expect(decision == .wait(link: 1, deadline: Self.t0 + .seconds(15)))
        // A resumable point while the call is still pending does not move it.
        #expect(m.resumptionUpdate(SessionResumptionUpdate(newHandle: "h2", resumable: true), toolCallsPending: true).move == nil)
        // Once the call is answered, the next resumable point moves it.
        let next = m.resumptionUpdate(SessionResumptionUpdate(newHandle: "h3", resumable: true), toolCallsPending: false)
        #expect(next.handle == "h3" && next.move?.handle == "h3")
        #expect(m.handoverDue(link: 1) == .ignored, "the move already began")
    }

    @Test func goAwayDeadlineMovesWithTheLatestHandle() {
        var m = Self.machine(in: .active)
        guard case .wait = m.goAway(timeLeft: 8, toolCallsPending: false, now: Self.t0) else {
            Issue.record("no resumable handle yet: it must wait")
            return
        }
        guard case .move(let plan) = m.handoverDue(link: 1) else {
            Issue.record("expected the deadline to move it")
            return
        }
        #expect(plan.handle == nil && plan.number == 2)
        #expect(m.goAway(timeLeft: 8, toolCallsPending: false, now: Self.t0) == .ignored, "one handover at a time")
    }

    @Test func handoverKeepsTheOldConnectionUntilTheNewOneIsReady() {
        var m = Self.machine(in: .handingOver)
        let plan = m.pendingLink!
        let oldCounts = m.heard(link: 1)
        #expect(oldCounts, "the old connection still counts")
        #expect(m.attached(plan) == .resumed(previous: 1, contextKept: true))
        let oldAfter = m.heard(link: 1)
        let newAfter = m.heard(link: 2)
        #expect(!oldAfter && newAfter)
        let end = m.ended(m.plan1, .closed(CloseExplanation.explain(code: 1000, reason: "")), endingCause: nil, now: Self.t0)
        #expect(end.isIgnored)
        m.resumeCompleted()
        #expect(m.state == .active)
    }

    @Test func aFailedHandoverAttemptRetriesWhileTheOldConnectionServes() {
        var m = Self.machine(in: .handingOver)
        let plan = m.pendingLink!
        guard case .retry(let next, _) = m.ended(plan, .failed(.connectFailed("refused")), endingCause: nil, now: Self.t0)
        else {
            Issue.record("expected a retry")
            return
        }
        #expect(next.purpose == .handover, "the old connection is still open")
    }

    @Test func theFirstHandleAfterAResumeDoesNotConfirmTheResentInput() {
        var m = Self.machine(in: .active)
        _ = m.resumptionUpdate(Self.resumable, toolCallsPending: false)
        m.heardContent()
        m.resumption.keep(.clientContent(.userText("kept")))
        guard case .retry(let plan, _) = m.ended(m.plan1, .closed(Self.drop), endingCause: nil, now: Self.t0) else {
            Issue.record("expected a retry")
            return
        }
        _ = m.attached(plan)
        m.resumeCompleted()
        _ = m.resumptionUpdate(SessionResumptionUpdate(newHandle: "h2", resumable: true), toolCallsPending: false)
        #expect(m.resumption.entries.count == 1, "issued before the resent input was read")
        m.heardContent()
        _ = m.resumptionUpdate(SessionResumptionUpdate(newHandle: "h3", resumable: true), toolCallsPending: false)
        #expect(m.resumption.entries.isEmpty)
    }

    @Test func closeWhileAnAttemptIsAbandonedEndsWhenItGivesUp() {
        var m = Self.machine(in: .reconnecting)
        let plan = m.pendingLink!
        #expect(m.close(.owner) == .abandon(pending: plan.number))
        #expect(m.holdsInput == false)
        guard case .finish(nil, nil, false) = m.ended(plan, .failed(.connectFailed("abandoned")), endingCause: nil, now: Self.t0)
        else {
            Issue.record("expected the session to end")
            return
        }
    }

    @Test func attachAfterCloseIsRefusedWithTheCloseReason() {
        var m = Self.machine(in: .handingOver)
        let plan = m.pendingLink!
        _ = m.close(.idle(.seconds(5)))
        #expect(m.attached(plan) == .refused(reason: "idle timeout"))
    }

    @Test func shutdownIsAdoptedAsTheCause() {
        var m = Self.machine(in: .active)
        guard case .finish = m.ended(m.plan1, .closed(Self.drop), endingCause: .shutdown, now: Self.t0) else {
            Issue.record("a shutdown does not retry")
            return
        }
        #expect(m.closeCause == .shutdown)
    }

    @Test func stallRearmsWhenTheReplyBeganLate() {
        var m = Self.machine(in: .active)
        _ = m.expectReply(now: Self.t0)
        #expect(m.expectReply(now: Self.t0 + .seconds(1)) == nil, "one deadline at a time")
        #expect(m.stallDue(link: 1, now: Self.t0 + .seconds(5)) == .rearm(link: 1, deadline: Self.t0 + .seconds(20)))
        _ = m.heard(link: 1)
        #expect(m.stallDue(link: 1, now: Self.t0 + .seconds(20)) == .ignored)
    }

    @Test func aStalledConnectionIsExplainedWhenItEnds() {
        var m = Self.machine(in: .active)
        _ = m.expectReply(now: Self.t0)
        _ = m.stallDue(link: 1, now: Self.t0 + .seconds(25))
        guard case .retry(_, let lastError) = m.ended(m.plan1, .failed(.connectionLost("aborted")), endingCause: nil, now: Self.t0)
        else {
            Issue.record("expected a retry")
            return
        }
        #expect(lastError.contains("stopped answering"))
    }
}

extension ConnectionMachine {
    /// The first connection's plan.
    var plan1: LinkPlan { LinkPlan(number: 1, purpose: .start, handle: nil, delay: .zero) }
}

extension ConnectionMachine.EndDecision {
    var isIgnored: Bool {
        if case .ignored = self { return true }
        return false
    }
}
