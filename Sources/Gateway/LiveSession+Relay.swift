import DBusService
import Foundation
import LiveClient
import LiveProtocol

/// What became of a frame a local Live client sent (see ``LiveSession/relayFromClient(_:)``).
public enum ClientFrameOutcome: Sendable, Hashable {
    /// It went to the service on the current connection.
    case sent
    /// The session is between connections: it is kept and goes out on the next one.
    case held
    /// The service would close the connection for it: close the client with this (the session
    /// is being closed).
    case refused(PreflightClose, explanation: String)
    /// It could not be sent and is not kept; the session's `LastError` says why.
    case notSent(String)
}

extension LiveSession {
    // MARK: Service → client

    /// Relays one frame of the connection that carries the session to the endpoint's client,
    /// unless it is the gateway's own handover traffic (``RelayFilter``).
    func relay(_ event: LiveEvent, frame: Data, to relay: SessionRelay) async {
        if let withheld = RelayFilter.withheld(event, clientAskedForResumption: relay.clientAskedForResumption) {
            relay.withheld(withheld)
            return
        }
        await relay.send(frame)
    }

    /// The session's first connection is set up: its `setupComplete` is the client's.
    func relayOpened(_ connection: LiveConnection) async {
        await relay?.send(connection.setupCompleteFrame)
    }

    /// The service's close of a first connection that failed during setup, for `Closed` (and an
    /// endpoint client) to carry unchanged; nil when the service sent none.
    static func serviceClose(of error: LiveClientError) -> CloseExplanation? {
        if case .closedDuringSetup(let close) = error, close.code != nil { return close }
        return nil
    }

    /// Ends a session whose setup preflight refused before anything went to the service:
    /// `LastError` and `Closed` carry `explanation`.
    func refuseSetup(_ explanation: String) async {
        await finish(nil, error: explanation)
    }

    // MARK: Client → service

    /// Sends a frame of the endpoint's client through the session, under the session's rules:
    /// what the service would refuse is refused here with the service's code; user input is kept
    /// until the service confirms it (and held while the session moves to a new connection), so
    /// a handover loses none of it.
    public func relayFromClient(_ message: ClientMessage) async -> ClientFrameOutcome {
        lastCall = .now
        if let issue = Preflight.check(message, in: setup) {
            return await refuse(PreflightClose(refusing: issue), explanation: issue.description)
        }
        if case .toolResponse(let response) = message {
            let unknown = response.functionResponses.compactMap(\.id).filter { conversation.pendingCall($0) == nil }
            if !unknown.isEmpty {
                // A call the gateway cancelled when it moved to a new connection: the model calls
                // again there, with new ids.
                return await notSent(
                    "The client answered tool call(s) \(unknown.joined(separator: ", ")), which are no longer pending (cancelled when the session moved to a new connection, or never made); the answer was not sent.")
            }
        }
        let holding = link.holdsInput
        let gated = conversation.gatesRealtimeInput
        do {
            switch message {
            case .realtimeInput(let input):
                // Through the tool-call input gate: held while a blocking call is pending.
                let samples = input.audio.map { $0.data.count / 2 } ?? 0
                guard try await sendRealtime(message, samples: samples, kept: true) else {
                    return await notSent(
                        "Realtime input from the local client was dropped: a blocking tool call is pending and the held input reached its bound; answer tool calls promptly.")
                }
            case .toolResponse:
                try await send(message)
            default:
                try await send(message, kept: true)
            }
        } catch {
            return await notSent("A frame from the local client could not be sent: \(error.message)")
        }
        switch message {
        case .clientContent(let content):
            conversation.userText()
            if content.turnComplete != false { expectReply() }
        case .realtimeInput(let input):
            if input.audioStreamEnd == true || input.activityEnd != nil || input.text != nil {
                conversation.userInput()
                expectReply()
            }
        case .toolResponse(let response):
            for answer in response.functionResponses {
                await perform(conversation.answered(answer, willContinue: answer.willContinue == true), receivedAt: .now)
            }
            expectReply()
        case .setup, .contextUpdate:
            break
        }
        await inputGateFollows(wasGated: gated)
        if case .realtimeInput = message, gated { return .held }
        return holding && !isToolResponse(message) ? .held : .sent
    }

    private func isToolResponse(_ message: ClientMessage) -> Bool {
        if case .toolResponse = message { return true }
        return false
    }

    private func refuse(_ close: PreflightClose, explanation: String) async -> ClientFrameOutcome {
        lastError = "The local client sent a frame the service refuses: \(explanation)"
        emit(.propertiesChanged(["LastError"]))
        return .refused(close, explanation: explanation)
    }

    private func notSent(_ explanation: String) async -> ClientFrameOutcome {
        lastError = explanation
        emit(.propertiesChanged(["LastError"]))
        return .notSent(explanation)
    }
}
