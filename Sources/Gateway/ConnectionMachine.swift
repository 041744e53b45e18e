import LiveClient
import LiveProtocol

/// The life of a session's connection to the service, as a value: which connection counts, which
/// one is being opened, when to move after goAway, when to retry after a drop, when the service is
/// stalled, and why the session ends.
///
/// It does no I/O and reads no clock: each event comes in with the time it happened, and the
/// answer says what the session must do (open a connection, abort one, arm a timer, end). Events
/// that do not apply in the current phase are answered with `.ignored` and change nothing.
///
/// ```
///             start                attached                      goAway at a safe point
///  ┌──────────┐ ──▶ ┌────────────┐ ──────▶ ┌────────┐ ────────────────────────▶ ┌─────────────┐
///  │ (idle)   │     │ connecting │         │ active │ ◀──── resumed ─────────── │ handingOver │
///  └──────────┘     └────────────┘         └────────┘                           └─────────────┘
///                        │ failed              │ dropped (retryable)                  │ old one ended
///                        ▼                     ▼                                      ▼
///                   ┌────────┐  close   ┌──────────────┐ ◀────────────────────────────┘
///                   │ closed │ ◀─────── │ reconnecting │ ── attached, resent ──▶ active
///                   └────────┘          └──────────────┘
///                        ▲ the last connection ended   (budget spent, fatal close)
///                   ┌─────────┐ ◀── Close() / owner left / idle / shutdown, from any phase
///                   │ closing │
///                   └─────────┘
/// ```
struct ConnectionMachine: Sendable {
    /// Where the connection's life is.
    enum Phase: Sendable, Hashable {
        /// The first connection is being opened; StartSession waits.
        case connecting
        /// The current connection carries the session.
        case active
        /// After goAway: the next connection is being opened while the current one stays open;
        /// input is held and sent on the new one.
        case handingOver
        /// No usable connection: the next one is being opened (after the backoff), or the move
        /// to it is being completed; input is held.
        case reconnecting
        /// The gateway is ending the session; nothing new is opened.
        case closing
        /// The session ended.
        case closed
    }

    /// How a connection ended, as the session's connection task saw it.
    enum Ending: Sendable {
        /// It closed (or dropped: the explanation's code is nil) after setup.
        case closed(CloseExplanation)
        /// It could not be set up, or its transport failed.
        case failed(LiveClientError)
    }

    /// What to do with a connection that finished its setup.
    enum AttachDecision: Sendable, Equatable {
        /// Not the connection the session is waiting for: let it go.
        case ignored
        /// The session is closing: close the new connection with this reason.
        case refused(reason: String)
        /// The first connection: StartSession's caller may proceed.
        case started
        /// A later connection took over from `previous` (nil after a drop): cancel pending tool
        /// calls, resend the kept input, close the previous one, then call ``resumeCompleted()``.
        case resumed(previous: Int?, contextKept: Bool)
    }

    /// What follows the end of a connection, or of an attempt to open one.
    enum EndDecision: Sendable {
        /// A connection the session already left.
        case ignored
        /// The session ends: with the service's close (nil: none) and, if set, this error as its
        /// explanation. `closeCurrent` asks to close the still-open current connection first.
        case finish(CloseExplanation?, error: String?, closeCurrent: Bool)
        /// The first connection failed: StartSession fails with this error, the session ends.
        case failStart(LiveClientError)
        /// A handover is under way; the new connection takes over when it is ready.
        case awaitNewLink
        /// The next connection is opened per `plan` (after its delay); `lastError` says why.
        case retry(LinkPlan, lastError: String)
        /// The service forgot the handle: a fresh session is opened per `plan`, its context lost.
        case freshSession(LinkPlan, lastError: String)
    }

    /// What a `goAway` (or its deadline) asks for.
    enum HandoverDecision: Sendable, Equatable {
        case ignored
        /// Open the next connection now.
        case move(LinkPlan)
        /// Wait for a resumable point, at most until `deadline` (arm the handover timer).
        case wait(link: Int, deadline: ContinuousClock.Instant)
    }

    /// What the stall deadline of a connection asks for.
    enum StallDecision: Sendable, Equatable {
        case ignored
        /// The reply began late; check again at `deadline`.
        case rearm(link: Int, deadline: ContinuousClock.Instant)
        /// The service is stalled: abort connection `link` (it is then resumed like a drop).
        case abort(link: Int, silence: Duration)
    }

    /// What a `Close()` (or the owner leaving, idling, shutdown) asks for.
    enum CloseDecision: Sendable, Equatable {
        /// Already closing or closed.
        case ignored
        /// No connection is open: abandon the attempt `pending` (if any); the session ends when
        /// it gives up. StartSession's caller learns the session closed before it was ready.
        case abandon(pending: Int?)
        /// Close the current connection with `reason` (and abandon the attempt `pending`).
        case closeConnection(reason: String, pending: Int?)
    }

    private(set) var phase: Phase = .connecting
    /// The connection whose events count (1 for the first; 0 before any).
    private(set) var currentLink = 0
    /// True while ``currentLink`` is open.
    private(set) var linkOpen = false
    /// The connection being opened, if any.
    private(set) var pendingLink: LinkPlan?
    /// Connections planned so far.
    private(set) var linksOpened = 0
    /// True until the current connection delivered something other than a resumption update.
    private(set) var linkFresh = false
    /// Set by goAway until the session moved.
    private(set) var handover: HandoverPlan?
    /// Since when the service owes a reply on the current connection; nil when it owes none.
    private(set) var awaitingReplySince: ContinuousClock.Instant?
    /// Why the watchdog aborted a connection, by number.
    private var stalls: [Int: String] = [:]
    /// Why the gateway is ending the session; nil while nobody asked.
    private(set) var closeCause: CloseCause?
    /// The latest handle and the input it has not confirmed yet.
    var resumption = ResumptionState()
    private var reconnect: ReconnectPolicy
    /// Whether the session resumes at all (the owner may turn resumption off).
    let resumes: Bool
    let stallTimeout: Duration

    init(resumes: Bool, reconnect: ReconnectPolicy, stallTimeout: Duration) {
        self.resumes = resumes
        self.reconnect = reconnect
        self.stallTimeout = stallTimeout
    }

    /// The phase as the session's `State` property shows it.
    var state: SessionState {
        switch phase {
        case .connecting: .connecting
        case .active: .active
        case .handingOver, .reconnecting: .reconnecting
        case .closing: .closing
        case .closed: .closed
        }
    }

    /// The state listeners were last told of.
    private var reportedState: SessionState = .connecting

    /// The state to tell listeners of, when it changed since they were last told.
    mutating func stateToReport() -> SessionState? {
        guard state != reportedState else { return nil }
        reportedState = state
        return state
    }

    /// Input is held (kept and sent on the next connection) rather than sent or refused.
    var holdsInput: Bool { state == .reconnecting && resumes && closeCause == nil }

    // MARK: Opening

    /// The session starts: the first connection, resuming `handle` when given (a detached session
    /// restored after a restart). Nil when the session was closed before it ran.
    mutating func start(handle: String?) -> LinkPlan? {
        guard closeCause == nil, phase == .connecting, linksOpened == 0 else { return nil }
        return plan(.start, handle: handle)
    }

    private mutating func plan(_ purpose: LinkPurpose, handle: String?, delay: Duration = .zero) -> LinkPlan {
        linksOpened += 1
        let plan = LinkPlan(number: linksOpened, purpose: purpose, handle: handle, delay: delay)
        pendingLink = plan
        return plan
    }

    /// Connection `plan` finished its setup.
    mutating func attached(_ plan: LinkPlan) -> AttachDecision {
        guard pendingLink?.number == plan.number else { return .ignored }
        pendingLink = nil
        if let closeCause {
            phase = .closing
            return .refused(reason: closeCause.reason)
        }
        let previous = linkOpen ? currentLink : nil
        currentLink = plan.number
        linkOpen = true
        linkFresh = true
        guard plan.purpose != .start else {
            phase = .active
            return .started
        }
        phase = .reconnecting
        handover = nil
        reconnect.reset()
        return .resumed(previous: previous, contextKept: plan.handle != nil)
    }

    /// The kept input went out on the new connection: it carries the session.
    mutating func resumeCompleted() {
        guard phase == .reconnecting || phase == .handingOver else { return }
        phase = .active
    }

    // MARK: Ending

    /// The gateway's reason for an end no ``close(_:)`` announced (the WebSocket layer closes
    /// every connection at shutdown); true when it was adopted.
    mutating func adopt(endingCause cause: CloseCause?) -> Bool {
        guard closeCause == nil, let cause else { return false }
        closeCause = cause
        return true
    }

    /// Connection (or attempt) `plan` ended; `endingCause` is the gateway's reason if it is
    /// shutting down.
    mutating func ended(_ plan: LinkPlan, _ ending: Ending, endingCause: CloseCause?, now: ContinuousClock.Instant)
        -> EndDecision
    {
        if pendingLink?.number == plan.number {
            pendingLink = nil
            return attemptFailed(plan, ending, endingCause: endingCause, now: now)
        }
        guard plan.number == currentLink, linkOpen, phase != .closed else { return .ignored }
        linkOpen = false
        let explanation: CloseExplanation
        var detail: String?
        switch ending {
        case .closed(let close):
            explanation = close
        case .failed(let error):
            explanation = CloseExplanation.explain(code: nil, reason: nil)
            detail = error.description
        }
        if let stall = stalls.removeValue(forKey: plan.number) { detail = stall }
        _ = adopt(endingCause: endingCause)
        if closeCause != nil { return .finish(explanation, error: nil, closeCurrent: false) }
        if pendingLink != nil {
            phase = .reconnecting
            return .awaitNewLink
        }
        guard resumes, explanation.retryable || explanation.category == .sessionNotFound else {
            return .finish(explanation, error: detail, closeCurrent: false)
        }
        phase = .reconnecting
        return retry(after: explanation, detail: detail, now: now)
    }

    private mutating func attemptFailed(
        _ plan: LinkPlan, _ ending: Ending, endingCause: CloseCause?, now: ContinuousClock.Instant
    ) -> EndDecision {
        _ = adopt(endingCause: endingCause)
        guard plan.purpose != .start else {
            switch ending {
            case .failed(let error): return .failStart(error)
            case .closed(let close): return .finish(close, error: nil, closeCurrent: false)
            }
        }
        if closeCause != nil {
            return linkOpen ? .ignored : .finish(nil, error: nil, closeCurrent: false)
        }
        let explanation: CloseExplanation
        var retryable: Bool
        var detail: String?
        switch ending {
        case .closed(let close):
            explanation = close
            retryable = close.retryable
        case .failed(.closedDuringSetup(let close)):
            explanation = close
            retryable = close.retryable
        case .failed(let error):
            explanation = CloseExplanation.explain(code: nil, reason: nil)
            switch error {
            case .connectFailed, .setupTimedOut, .connectionLost, .connectionClosed, .unexpectedFirstMessage:
                retryable = true
            case .preflightFailed, .messageRejected, .invalidURL, .closedDuringSetup:
                retryable = false
            }
            detail = error.description
        }
        if explanation.category == .sessionNotFound, plan.handle != nil {
            resumption.dropHandle()
            return .freshSession(
                self.plan(.recovery, handle: nil),
                lastError: "\(explanation.description) The session continues as a new one; its earlier context is lost.")
        }
        guard retryable else { return .finish(explanation, error: detail, closeCurrent: linkOpen) }
        return retry(after: explanation, detail: detail, now: now)
    }

    /// The next connection after the policy's backoff, or the end when the budget is spent.
    private mutating func retry(after explanation: CloseExplanation, detail: String?, now: ContinuousClock.Instant)
        -> EndDecision
    {
        guard let delay = reconnect.delay(now: now) else {
            let budget = reconnect.budget.components.seconds
            return .finish(
                explanation,
                error: "The connection could not be resumed within \(budget) s; the last failure: \(detail ?? explanation.description)",
                closeCurrent: false)
        }
        let purpose: LinkPurpose = linkOpen ? .handover : .recovery
        return .retry(plan(purpose, handle: resumption.handle, delay: delay), lastError: detail ?? explanation.description)
    }

    /// The gateway ends the session for `cause`.
    mutating func close(_ cause: CloseCause) -> CloseDecision {
        guard closeCause == nil, phase != .closed else { return .ignored }
        closeCause = cause
        phase = .closing
        let pending = pendingLink?.number
        return linkOpen ? .closeConnection(reason: cause.reason, pending: pending) : .abandon(pending: pending)
    }

    /// The session ended; false when it had already.
    mutating func finished() -> Bool {
        guard phase != .closed else { return false }
        phase = .closed
        linkOpen = false
        pendingLink = nil
        handover = nil
        awaitingReplySince = nil
        return true
    }

    // MARK: What the service sends

    /// An event of connection `link` arrived; false when it is not the session's connection
    /// (the event is dropped). Any event means the service is not stalled.
    mutating func heard(link: Int) -> Bool {
        guard link == currentLink, linkOpen, phase != .closed else { return false }
        awaitingReplySince = nil
        return true
    }

    /// A frame that carried something besides a resumption update (or could not be read).
    mutating func heardContent() {
        linkFresh = false
    }

    /// A `sessionResumptionUpdate`: the new handle when it carried one, and the move to begin
    /// when a goAway was waiting for this resumable point (`toolCallsPending` blocks it).
    mutating func resumptionUpdate(_ update: SessionResumptionUpdate, toolCallsPending: Bool, audioMark: Int = 0)
        -> (handle: String?, move: LinkPlan?)
    {
        guard resumption.update(update, confirms: !linkFresh, audioMark: audioMark), let handle = resumption.handle else {
            return (nil, nil)
        }
        let move = handover != nil && !toolCallsPending ? beginHandover() : nil
        return (handle, move)
    }

    /// The service will end the connection in `timeLeft` seconds.
    mutating func goAway(timeLeft: Double, toolCallsPending: Bool, now: ContinuousClock.Instant) -> HandoverDecision {
        guard resumes, handover == nil, pendingLink == nil, phase == .active else { return .ignored }
        let plan = HandoverPlan(timeLeft: timeLeft, now: now)
        handover = plan
        if resumption.resumable, !toolCallsPending, let move = beginHandover() { return .move(move) }
        return .wait(link: currentLink, deadline: plan.deadline)
    }

    /// The goAway deadline of connection `link` came: move now unless the move already began.
    mutating func handoverDue(link: Int) -> HandoverDecision {
        guard handover != nil, link == currentLink, pendingLink == nil, phase == .active,
            let move = beginHandover()
        else { return .ignored }
        return .move(move)
    }

    private mutating func beginHandover() -> LinkPlan? {
        guard phase == .active, pendingLink == nil, closeCause == nil else { return nil }
        phase = .handingOver
        return plan(.handover, handle: resumption.handle)
    }

    // MARK: Stalls

    /// Input that asks for a reply went out at `now`: the deadline to arm, unless one is armed.
    mutating func expectReply(now: ContinuousClock.Instant) -> (link: Int, deadline: ContinuousClock.Instant)? {
        guard awaitingReplySince == nil, phase == .active else { return nil }
        awaitingReplySince = now
        return (currentLink, now + stallTimeout)
    }

    /// The stall deadline of connection `link` came at `now`.
    mutating func stallDue(link: Int, now: ContinuousClock.Instant) -> StallDecision {
        guard link == currentLink, phase == .active, let since = awaitingReplySince else { return .ignored }
        let silence = now - since
        if silence < stallTimeout { return .rearm(link: link, deadline: since + stallTimeout) }
        stalls[link] =
            "The service stopped answering (nothing for \(silence.components.seconds) s after input that asks for a reply); the session moved to a new connection."
        awaitingReplySince = nil
        return .abort(link: link, silence: silence)
    }
}
