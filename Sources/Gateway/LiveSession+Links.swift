import DBusService
import LiveClient
import LiveProtocol
import Logging

/// How a connection ended.
enum LinkEnding: Sendable {
    /// It closed (or dropped: code nil) after setup.
    case closed(CloseExplanation)
    /// It could not be set up, or its transport failed.
    case failed(LiveClientError)
}

extension LiveSession {
    // MARK: Connections

    /// Queues the opening of the next connection.
    func openLink(_ purpose: LinkPurpose, handle: String?, delay: Duration = .zero) {
        linksOpened += 1
        let plan = LinkPlan(number: linksOpened, purpose: purpose, handle: handle, delay: delay)
        pendingLink = plan
        jobs?.yield(.connect(plan))
    }

    /// Opens the connection `plan` describes and relays its events until it ends; a ``close(_:)``
    /// while it is being opened abandons it.
    func serve(_ plan: LinkPlan, client: LiveClientConfiguration, logger: Logger) async {
        let (abandoned, continuation) = AsyncStream<Void>.makeStream()
        connectAttempt = continuation
        linkAborts[plan.number] = continuation
        if closeCause != nil || state == .closed { continuation.finish() }
        let linkLogger = logger.with("connection", String(plan.number))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.connect(plan, client: client, logger: linkLogger) }
            group.addTask { for await _ in abandoned {} }
            await group.next()
            group.cancelAll()
        }
        continuation.finish()
        linkAborts[plan.number] = nil
    }

    private func connect(_ plan: LinkPlan, client: LiveClientConfiguration, logger: Logger) async {
        if plan.delay > .zero {
            try? await Task.sleep(for: plan.delay)
        }
        guard !Task.isCancelled else {
            await linkEnded(plan, .failed(.connectFailed("the attempt was abandoned")), logger: logger)
            return
        }
        var setup = self.setup
        if plan.purpose != .start {
            setup.sessionResumption = SessionResumptionConfig(
                handle: plan.handle, transparent: self.setup.sessionResumption?.transparent)
        }
        do {
            let outcome = try await LiveClient.withConnection(setup: setup, configuration: client, logger: logger) {
                connection in
                guard await self.attach(connection, plan: plan, logger: logger) else { return }
                var events = connection.events.makeAsyncIterator()
                while let event = try await events.next() {
                    await self.handle(event, link: plan.number, receivedAt: events.receivedAt, logger: logger)
                }
            }
            await linkEnded(plan, .closed(outcome.close), logger: logger)
        } catch let error as LiveClientError {
            await linkEnded(plan, .failed(error), logger: logger)
        } catch {
            await linkEnded(plan, .failed(.connectionLost("\(error)")), logger: logger)
        }
    }

    /// Makes `connection` the session's connection; false when the session is closing (the
    /// connection is then closed).
    private func attach(_ new: LiveConnection, plan: LinkPlan, logger: Logger) async -> Bool {
        guard pendingLink?.number == plan.number else { return false }
        pendingLink = nil
        connectAttempt = nil
        if let closeCause {
            await setState(.closing)
            await new.close(code: 1000, reason: closeCause.reason)
            return false
        }
        let old = connection
        connection = new
        currentLink = plan.number
        linkFresh = true
        guard plan.purpose != .start else {
            lastCall = .now
            resolve(.success(()))
            await setState(.active)
            return true
        }
        let contextKept = plan.handle != nil
        handover = nil
        reconnect.reset()
        modelSpeaking = false
        droppingReply = false
        if !pendingToolCalls.isEmpty {
            // The resent input makes the model call again, with new ids.
            let ids = pendingToolCalls.keys.sorted()
            pendingToolCalls = [:]
            await emit(.toolCallCancellation(ids: ids))
        }
        let resent = await resend(on: new, logger: logger)
        if let old { await old.close(code: 1000, reason: "session moved to a new connection") }
        logger.info(
            "resumed on connection \(plan.number) (\(plan.purpose), context \(contextKept ? "kept" : "lost")); resent \(resent) message(s)")
        await setState(.active)
        await emit(.resumed(contextKept: contextKept))
        return true
    }

    /// Sends the kept, unconfirmed messages on `connection`, oldest first, including any the owner
    /// sends meanwhile; returns how many went out.
    private func resend(on connection: LiveConnection, logger: Logger) async -> Int {
        var sent = 0
        var next = resumption.entries.first?.order
        while let order = next, let entry = resumption.entries.first(where: { $0.order >= order }) {
            do {
                try await connection.send(entry.message)
                sent += 1
            } catch {
                logger.warning("could not resend message \(entry.order): \(error)")
                if case .messageRejected = error { resumption.forget(entry.order) } else { break }
            }
            next = entry.order + 1
        }
        if resumption.overflowed > 0 {
            logger.warning("\(resumption.overflowed) unconfirmed message(s) were too many to keep and are not resent")
        }
        return sent
    }

    /// Decides what follows the end of connection `plan.number`.
    func linkEnded(_ plan: LinkPlan, _ ending: LinkEnding, logger: Logger) async {
        if pendingLink?.number == plan.number {
            pendingLink = nil
            connectAttempt = nil
            await attemptFailed(plan, ending, logger: logger)
            return
        }
        guard plan.number == currentLink, state != .closed else {
            logger.debug("connection \(plan.number) ended after the session left it")
            return
        }
        connection = nil
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
        adoptEndingCause()
        if closeCause != nil {
            await finish(explanation)
            return
        }
        if pendingLink != nil {
            // A handover is under way; the new connection takes over when it is ready.
            await setState(.reconnecting)
            return
        }
        guard configuration.sessionResumption, explanation.retryable || explanation.category == .sessionNotFound else {
            await finish(explanation, error: detail)
            return
        }
        logger.notice("connection \(plan.number) ended (\(detail ?? explanation.description)); resuming")
        lastError = detail ?? explanation.description
        await setState(.reconnecting)
        await retry(after: explanation, detail: detail, logger: logger)
    }

    /// A connection could not be opened: the session's first fails StartSession; a later one is
    /// retried, restarted without the handle, or ends the session.
    private func attemptFailed(_ plan: LinkPlan, _ ending: LinkEnding, logger: Logger) async {
        adoptEndingCause()
        guard plan.purpose != .start else {
            switch ending {
            case .failed(let error):
                fail(GatewayError.from(error))
                await finish(nil, error: error.description)
            case .closed(let close):
                await finish(close)
            }
            return
        }
        if closeCause != nil {
            if connection == nil { await finish(nil) }
            return
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
            logger.warning("the service no longer knows the handle; starting a fresh session (context lost)")
            lastError = "\(explanation.description) The session continues as a new one; its earlier context is lost."
            resumption.dropHandle()
            await emit(.propertiesChanged(["LastError"]))
            openLink(.recovery, handle: nil)
            return
        }
        guard retryable else {
            if let connection { await connection.close(code: 1000, reason: "session ended") }
            await finish(explanation, error: detail)
            return
        }
        lastError = detail ?? explanation.description
        await emit(.propertiesChanged(["LastError"]))
        await retry(after: explanation, detail: detail, logger: logger)
    }

    /// Opens the next connection after the policy's backoff, or ends the session when the budget
    /// is spent.
    private func retry(after explanation: CloseExplanation, detail: String?, logger: Logger) async {
        guard let delay = reconnect.delay() else {
            let budget = reconnect.budget.components.seconds
            await finish(
                explanation,
                error: "The connection could not be resumed within \(budget) s; the last failure: \(detail ?? explanation.description)")
            return
        }
        let purpose: LinkPurpose = connection == nil ? .recovery : .handover
        openLink(purpose, handle: resumption.handle, delay: delay)
    }

    // MARK: Stalls

    /// The service owes a reply: if it sends nothing within ``stallTimeout``, the connection is
    /// replaced.
    func expectReply() {
        guard awaitingReplySince == nil, state == .active else { return }
        let now = ContinuousClock.now
        awaitingReplySince = now
        jobs?.yield(.stallDeadline(link: currentLink, deadline: now + stallTimeout))
    }

    /// The stall deadline of connection `link` came: if the service still sent nothing since the
    /// input that asked for a reply, abort the connection; it is resumed like a drop.
    func stallDue(link: Int, logger: Logger) async {
        guard link == currentLink, state == .active, let since = awaitingReplySince else { return }
        let silent = ContinuousClock.now - since
        if silent < stallTimeout {
            jobs?.yield(.stallDeadline(link: link, deadline: since + stallTimeout))
            return
        }
        logger.warning("the service sent nothing for \(silent) after input that asks for a reply; the connection is stalled, resuming on a new one")
        stalls[link] = "The service stopped answering (nothing for \(silent.components.seconds) s after input that asks for a reply); the session moved to a new connection."
        awaitingReplySince = nil
        linkAborts[link]?.finish()
    }

    // MARK: goAway

    /// The service will end the connection in `timeLeft` seconds: move at the next safe point.
    func planHandover(timeLeft: Double, logger: Logger) async {
        guard configuration.sessionResumption, handover == nil, pendingLink == nil, state == .active else { return }
        let plan = HandoverPlan(timeLeft: timeLeft)
        handover = plan
        if resumption.resumable, pendingToolCalls.isEmpty {
            await beginHandover(logger: logger)
        } else {
            logger.info("goAway: waiting for a resumable point (at most \(plan.deadline - plan.announced))")
            jobs?.yield(.handoverDeadline(link: currentLink, deadline: plan.deadline))
        }
    }

    /// The goAway deadline of connection `link` came: move now unless the move already began.
    func handoverDue(link: Int, logger: Logger) async {
        guard handover != nil, link == currentLink, pendingLink == nil, state == .active else { return }
        logger.warning("goAway: no resumable point before the deadline; moving now with the latest handle")
        await beginHandover(logger: logger)
    }

    /// Opens the next connection with the latest handle while the current one stays open.
    func beginHandover(logger: Logger) async {
        guard state == .active, pendingLink == nil, closeCause == nil else { return }
        logger.info("goAway: moving the session to a new connection")
        await setState(.reconnecting)
        openLink(.handover, handle: resumption.handle)
    }
}
