import Foundation
import HummingbirdWebSocket
import LiveProtocol
import Logging
import NIOCore
import NIOWebSocket

/// Runs one WebSocket connection as structured tasks: the reader (the handler's own task), the
/// writer draining the ``Outbox``, the speaker pacing model turns, and the fault timeline.
///
/// When the reader ends (the client closed, or the TCP connection went away) the session is told
/// and the other tasks are cancelled.
enum ConnectionHandler {
    /// How long the client gets to answer the simulator's close frame before TCP is closed.
    static let closeGrace: Duration = .seconds(5)
    /// How long a refused credential waits for the client's first frame before closing anyway.
    static let refusalWait: Duration = .seconds(1)

    /// Serves the connection until it ends.
    static func run(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel,
        context: ConnectionContext, credential: CredentialCheck, recorder: SimulatorRecorder
    ) async {
        let opened = ContinuousClock.now
        switch credential.verdict {
        case .accepted:
            break
        case .invalid, .missing:
            let reason: CloseReason = credential.verdict == .invalid ? .invalidAPIKey : .missingCredential
            context.logger.notice("credential refused", metadata: ["code": "\(reason.code)"])
            await firstFrame(of: inbound, timeout: refusalWait)
            recorder.update(connection: context.number) { $0.closeSent = reason }
            try? await outbound.close(WebSocketErrorCode(codeNumber: Int(reason.code)), reason: reason.text)
            recorder.update(connection: context.number) { $0.isOpen = false }
            return
        }
        let (outbox, items) = Outbox.make()
        let (plans, speaker) = AsyncStream<(turn: Int, plan: ReplyPlan)>.makeStream()
        let session = LiveSession(context: context, outbox: outbox, speaker: speaker)
        let writer = FrameWriter(
            outbound: outbound, channel: channel, recorder: recorder, connection: context.number, opened: opened)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await writer.drain(items) }
            group.addTask { await speak(plans, session: session, pacing: context.configuration.pacing) }
            let timeline = context.faults.timeline
            if !timeline.isEmpty {
                group.addTask {
                    for (offset, action) in timeline {
                        do { try await Task.sleep(until: opened + offset) } catch { return }
                        await session.apply(action)
                    }
                }
            }
            await read(
                inbound, session: session, channel: channel, recorder: recorder, connection: context.number,
                opened: opened, maxSize: context.configuration.maxFrameSize, logger: context.logger)
            await session.connectionEnded()
            group.cancelAll()
        }
        recorder.update(connection: context.number) { $0.isOpen = false }
        context.logger.info("connection ended")
    }

    /// Reassembles messages from frames and hands them to the session, until the client closes,
    /// the connection drops, or a stall fault stops reading.
    static func read(
        _ inbound: WebSocketInboundStream, session: LiveSession, channel: any Channel, recorder: SimulatorRecorder,
        connection: Int, opened: ContinuousClock.Instant, maxSize: Int, logger: Logger
    ) async {
        var assembling: (isText: Bool, bytes: ByteBuffer)?
        do {
            for try await frame in inbound {
                switch frame.opcode {
                case .text: assembling = (true, frame.data)
                case .binary: assembling = (false, frame.data)
                case .continuation:
                    var data = frame.data
                    assembling?.bytes.writeBuffer(&data)
                }
                guard let message = assembling else { continue }
                if message.bytes.readableBytes > maxSize {
                    assembling = nil
                    await session.close(.messageTooBig)
                    continue
                }
                guard frame.fin else { continue }
                assembling = nil
                let bytes = Data(message.bytes.readableBytesView)
                recorder.record(
                    RecordedFrame(
                        direction: .fromClient, kind: message.isText ? .text : .binary, bytes: bytes,
                        offset: .now - opened),
                    connection: connection)
                await session.receive(bytes, isText: message.isText)
                if await session.isStalled {
                    await park(channel)
                    return
                }
            }
        } catch {
            logger.debug("inbound ended", metadata: ["error": "\(error)"])
        }
    }

    /// Streams each planned reply: steps at the pacing's interval, generationComplete, the wait
    /// for playback, turnComplete. A turn that stops being current is dropped where it stands.
    static func speak(
        _ plans: AsyncStream<(turn: Int, plan: ReplyPlan)>, session: LiveSession, pacing: VoicePacing
    ) async {
        for await (turn, plan) in plans {
            var current = true
            for step in plan.steps {
                guard !Task.isCancelled, await session.emit(step, turn: turn) else {
                    current = false
                    break
                }
                if case .transcript = step { continue }
                if case .pause(let duration) = step {
                    try? await Task.sleep(for: duration)
                    continue
                }
                if pacing.interval > .zero { try? await Task.sleep(for: pacing.interval) }
            }
            guard current, !Task.isCancelled, let playedOut = await session.generationFinished(turn: turn) else {
                continue
            }
            if pacing.waitsForPlayback {
                while ContinuousClock.now < playedOut, !Task.isCancelled, await session.isCurrent(turn) {
                    try? await Task.sleep(for: min(.milliseconds(20), playedOut - .now))
                }
            }
            await session.completeTurn(turn)
        }
    }

    /// Waits for the client's first frame (a client that sends one has finished its upgrade, so
    /// a close frame sent now cannot race it) or for `timeout`, whichever comes first.
    static func firstFrame(of inbound: WebSocketInboundStream, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var iterator = inbound.makeAsyncIterator()
                _ = try? await iterator.next()
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Waits until the TCP connection is gone or the task is cancelled.
    static func park(_ channel: any Channel) async {
        while channel.isActive, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
