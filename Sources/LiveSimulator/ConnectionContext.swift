import Logging

/// What one connection's session needs from the simulator around it.
struct ConnectionContext: Sendable {
    /// The connection's number (from 1).
    var number: Int
    /// The Live path it was opened on.
    var path: LivePath
    /// Its fault script.
    var faults: FaultScript
    /// The simulator's configuration.
    var configuration: SimulatorConfiguration
    /// Resumption state shared by all connections.
    var store: ConversationStore
    /// Connection numbering, queued faults and the session quota.
    var ledger: ConnectionLedger
    /// The connection's logger.
    var logger: Logger
}
