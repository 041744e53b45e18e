import Foundation

/// Where an endpoint session's service frames go: a local Live client's WebSocket (see
/// ``GatewayService/openEndpointSession(_:)``).
///
/// The session hands it each server frame it forwards, in order and byte for byte, and the close
/// that ends the session. Both closures must return promptly (they may wait for the client's
/// socket to take the frame, which is the relay's backpressure).
public struct SessionRelay: Sendable {
    /// True when the client's setup asked for `sessionResumption`: it then gets the service's
    /// `sessionResumptionUpdate` frames (their handles resume the session through the endpoint).
    public var clientAskedForResumption: Bool
    /// Sends one server frame to the client (a binary frame, as the service sends them).
    public var send: @Sendable (Data) async -> Void
    /// Closes the client's connection with a code and a reason of at most 123 bytes.
    public var close: @Sendable (_ code: UInt16, _ reason: String) async -> Void
    /// Told of every frame the session kept from the client, and why.
    public var withheld: @Sendable (RelayFilter.Withheld) -> Void

    /// A relay.
    public init(
        clientAskedForResumption: Bool, send: @escaping @Sendable (Data) async -> Void,
        close: @escaping @Sendable (UInt16, String) async -> Void,
        withheld: @escaping @Sendable (RelayFilter.Withheld) -> Void = { _ in }
    ) {
        self.clientAskedForResumption = clientAskedForResumption
        self.send = send
        self.close = close
        self.withheld = withheld
    }
}
