import LiveClient
import LiveProtocol

/// Which of the service's frames a local Live client gets, and the close it sees: the pure rules
/// of the endpoint relay.
///
/// The client gets every frame of the connection that carries its session, byte for byte and in
/// order, except the gateway's own handover traffic: a `goAway` (the gateway moves the session to
/// a new connection itself, so the client's connection stays open and it has nothing to do) and,
/// when the client did not ask for resumption, the `sessionResumptionUpdate` frames the gateway
/// asked for to be able to move. Later connections' `setupComplete` never reaches it (each
/// connection's handshake consumes its own), and frames of a connection the session left are
/// dropped before they get here.
public enum RelayFilter {
    /// Why a frame was kept from the client.
    public enum Withheld: String, Sendable, Hashable, CaseIterable {
        /// A `goAway`: the gateway hands the session over itself.
        case goAway
        /// A `sessionResumptionUpdate` the client did not ask for.
        case resumptionUpdate
    }

    /// Nil when `event`'s frame goes to the client; otherwise why it does not.
    public static func withheld(_ event: LiveEvent, clientAskedForResumption: Bool) -> Withheld? {
        guard case .message(let message) = event else { return nil }
        if message.goAway != nil { return .goAway }
        if message.sessionResumptionUpdate != nil, !clientAskedForResumption { return .resumptionUpdate }
        return nil
    }

    /// The close the client sees when its session ends with the `Closed` signal's `code`, `reason`
    /// and `explanation`: the service's code and reason unchanged; the gateway's explanation
    /// when the service gave no reason; 1011 for a connection that dropped without a close
    /// (1005/1006 cannot be sent on the wire).
    public static func clientClose(code: UInt32, reason: String, explanation: String) -> (code: UInt16, reason: String) {
        let sendable = (1000...4999).contains(code) && ![1005, 1006, 1015].contains(code)
        let wireCode = sendable ? UInt16(code) : 1011
        if sendable, !reason.isEmpty { return (wireCode, PreflightClose.truncated(reason)) }
        return (wireCode, PreflightClose.truncated("gateway: \(explanation)"))
    }
}
