import DBusService
import LiveClient
import LiveProtocol
import Logging

extension LiveSession {
    // MARK: Connections

    /// Opens the connection `plan` describes and relays its events until it ends; a ``close(_:)``
    /// while it is being opened abandons it.
    func serve(_ plan: LinkPlan, client: LiveClientConfiguration, logger: Logger) async {
        let (abandoned, continuation) = AsyncStream<Void>.makeStream()
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
        var client = client
        client.eventLoop = uplink.eventLoop
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
                    await self.handle(
                        event, link: plan.number, receivedAt: events.receivedAt, audioMark: events.audioMark,
                        frame: self.relay == nil ? nil : events.frame, logger: logger)
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
    /// connection is then closed) or no longer waits for it.
    private func attach(_ new: LiveConnection, plan: LinkPlan, logger: Logger) async -> Bool {
        switch link.attached(plan) {
        case .ignored:
            return false
        case .refused(let reason):
            await reportState()
            await new.close(code: 1000, reason: reason)
            if connection == nil { await finish(nil) }
            return false
        case .started:
            connection = new
            // A relayed session passes every frame on as it came, the model's audio too: no fast path.
            if relay == nil { new.setVoiceSink(voice) }
            lastCall = .now
            await relayOpened(new)
            resolve(.success(()))
            await reportState()
            return true
        case .resumed(let previous, let contextKept):
            let old = previous == nil ? nil : connection
            connection = new
            if relay == nil { new.setVoiceSink(voice) }
            let gated = conversation.gatesRealtimeInput
            await perform(conversation.resumed(), receivedAt: .now)
            await inputGateFollows(wasGated: gated)
            followConversation()
            let resent = await resend(on: new, logger: logger)
            if let old { await old.close(code: 1000, reason: "session moved to a new connection") }
            logger.info(
                "resumed on connection \(plan.number) (\(plan.purpose), context \(contextKept ? "kept" : "lost")); resent \(resent) message(s)")
            link.resumeCompleted()
            await reportState()
            emit(.resumed(contextKept: contextKept))
            return true
        }
    }

    /// Sends the kept, unconfirmed messages on `connection`, oldest first, including any the owner
    /// sends meanwhile, each after the unconfirmed audio captured before it; returns how many
    /// messages and audio chunks went out. The audio after the last message follows when the
    /// session is active again (``routeUplink()``).
    private func resend(on connection: LiveConnection, logger: Logger) async -> Int {
        var sent = 0
        var audioCursor = link.resumption.audioConfirmed
        uplink.rewind(to: audioCursor)
        var next = link.resumption.entries.first?.order
        while let order = next, let entry = link.resumption.entries.first(where: { $0.order >= order }) {
            if entry.audioMark > audioCursor {
                sent += await uplink.resend(on: connection, from: audioCursor, through: entry.audioMark)
                audioCursor = entry.audioMark
            }
            do {
                try await connection.send(entry.message)
                sent += 1
            } catch {
                logger.warning("could not resend message \(entry.order): \(error)")
                if case .messageRejected = error { link.resumption.forget(entry.order) } else { break }
            }
            next = entry.order + 1
        }
        if link.resumption.overflowed > 0 {
            logger.warning("\(link.resumption.overflowed) unconfirmed message(s) were too many to keep and are not resent")
        }
        return sent
    }

    /// Carries out what follows the end of connection (or attempt) `plan`.
    func linkEnded(_ plan: LinkPlan, _ ending: ConnectionMachine.Ending, logger: Logger) async {
        let wasCurrent = plan.number == link.currentLink && link.linkOpen
        let decision = link.ended(plan, ending, endingCause: endingCause(), now: .now)
        if wasCurrent, !link.linkOpen { connection = nil }
        if let cause = link.closeCause { resolve(.failure(Self.closedBeforeReady(cause))) }
        switch decision {
        case .ignored:
            logger.debug("connection \(plan.number) ended after the session left it")
        case .finish(let close, let error, let closeCurrent):
            if closeCurrent, let connection { await connection.close(code: 1000, reason: "session ended") }
            await finish(close, error: error)
        case .failStart(let error):
            resolve(.failure(GatewayError.from(error)))
            await finish(Self.serviceClose(of: error), error: error.description)
        case .awaitNewLink:
            await reportState()
        case .retry(let next, let lastError):
            if wasCurrent { logger.notice("connection \(plan.number) ended (\(lastError)); resuming") }
            await reopen(next, lastError: lastError)
        case .freshSession(let next, let lastError):
            logger.warning("the service no longer knows the handle; starting a fresh session (context lost)")
            await reopen(next, lastError: lastError)
        }
    }

    /// Says why the session reconnects and queues connection `plan`.
    private func reopen(_ plan: LinkPlan, lastError: String) async {
        self.lastError = lastError
        if await !reportState() { emit(.propertiesChanged(["LastError"])) }
        jobs?.yield(.connect(plan))
    }

    // MARK: Stalls

    /// The service owes a reply: if it sends nothing within ``stallTimeout``, the connection is
    /// replaced.
    func expectReply() {
        followConversation()
        guard let (number, deadline) = link.expectReply(now: .now) else { return }
        jobs?.yield(.stallDeadline(link: number, deadline: deadline))
    }

    /// The stall deadline of connection `link` came: if the service still sent nothing since the
    /// input that asked for a reply, abort the connection; it is resumed like a drop.
    func stallDue(link number: Int, logger: Logger) async {
        switch link.stallDue(link: number, now: .now) {
        case .ignored:
            return
        case .rearm(let number, let deadline):
            jobs?.yield(.stallDeadline(link: number, deadline: deadline))
        case .abort(let number, let silence):
            logger.warning(
                "the service sent nothing for \(silence) after input that asks for a reply; the connection is stalled, resuming on a new one")
            linkAborts[number]?.finish()
        }
    }

    // MARK: goAway

    /// The service will end the connection in `timeLeft` seconds: move at the next safe point.
    func planHandover(timeLeft: Double, logger: Logger) async {
        let toolCallsPending = !conversation.pendingCalls.isEmpty
        switch link.goAway(timeLeft: timeLeft, toolCallsPending: toolCallsPending, now: .now) {
        case .ignored:
            return
        case .move(let plan):
            await moveToNewConnection(plan, logger: logger)
        case .wait(let number, let deadline):
            logger.info("goAway: waiting for a resumable point (at most \(deadline - .now))")
            jobs?.yield(.handoverDeadline(link: number, deadline: deadline))
        }
    }

    /// The goAway deadline of connection `link` came: move now unless the move already began.
    func handoverDue(link number: Int, logger: Logger) async {
        guard case .move(let plan) = link.handoverDue(link: number) else { return }
        logger.warning("goAway: no resumable point before the deadline; moving now with the latest handle")
        await moveToNewConnection(plan, logger: logger)
    }

    /// Opens the next connection with the latest handle while the current one stays open.
    func moveToNewConnection(_ plan: LinkPlan, logger: Logger) async {
        logger.info("goAway: moving the session to a new connection")
        await reportState()
        jobs?.yield(.connect(plan))
    }
}
