/// Scripted misbehaviour for one connection: the service's goAway, lifetime cap, abrupt drops,
/// custom closes, slow or missing setupComplete, malformed or oversized frames and stalls.
///
/// Every time is measured from the moment the WebSocket upgrade completed. A script applies to
/// every connection through ``SimulatorConfiguration/faults``, or to one connection through
/// ``LiveSimulator/enqueueFaults(_:)``.
public struct FaultScript: Sendable, Hashable {
    /// Send `goAway {timeLeft}` this long after the connection opened.
    public var goAwayAfter: Duration?
    /// The `timeLeft` a goAway announces (the service was seen sending about 50 s).
    public var goAwayTimeLeft: Duration
    /// Close with 1011 `Deadline expired before operation could complete.` at this age. Unless
    /// ``goAwayAfter`` is set, a goAway is sent ``goAwayTimeLeft`` before the cap, as the service does.
    public var connectionLifetime: Duration?
    /// Close the TCP connection without a close frame at this age.
    public var dropAfter: Duration?
    /// Close with ``closeCode`` and ``closeReason`` at this age.
    public var closeAfter: Duration?
    /// The code of a ``closeAfter`` close.
    public var closeCode: UInt16
    /// The reason of a ``closeAfter`` close (cut to 123 bytes).
    public var closeReason: String
    /// Wait this long before answering the setup with setupComplete.
    public var setupDelay: Duration?
    /// Accept the setup but never send setupComplete; later frames are recorded and ignored.
    public var withholdsSetupComplete: Bool
    /// Send a binary frame holding truncated, invalid JSON at this age.
    public var malformedFrameAfter: Duration?
    /// Send one valid but oversized binary frame of ``oversizedFrameBytes`` at this age.
    public var oversizedFrameAfter: Duration?
    /// The size of the ``oversizedFrameAfter`` frame (default 17 MiB, above a 16 MiB client limit).
    public var oversizedFrameBytes: Int
    /// Stop sending and stop reading at this age, keeping the TCP connection open.
    public var stallAfter: Duration?
    /// When a function call stays unanswered this long, cancel it (`toolCallCancellation`) and
    /// send it again with the same id, as users report the service doing after about 12 s
    /// (protocol-update 2026-12, issue 10 §3). Measured from the call, not the connection.
    public var resendsPendingCallsAfter: Duration?

    /// A script; every fault is off unless given.
    public init(
        goAwayAfter: Duration? = nil, goAwayTimeLeft: Duration = .seconds(50), connectionLifetime: Duration? = nil,
        dropAfter: Duration? = nil, closeAfter: Duration? = nil, closeCode: UInt16 = 1011,
        closeReason: String = "Internal error encountered.", setupDelay: Duration? = nil,
        withholdsSetupComplete: Bool = false, malformedFrameAfter: Duration? = nil,
        oversizedFrameAfter: Duration? = nil, oversizedFrameBytes: Int = 17 << 20, stallAfter: Duration? = nil,
        resendsPendingCallsAfter: Duration? = nil
    ) {
        self.resendsPendingCallsAfter = resendsPendingCallsAfter
        self.goAwayAfter = goAwayAfter
        self.goAwayTimeLeft = goAwayTimeLeft
        self.connectionLifetime = connectionLifetime
        self.dropAfter = dropAfter
        self.closeAfter = closeAfter
        self.closeCode = closeCode
        self.closeReason = closeReason
        self.setupDelay = setupDelay
        self.withholdsSetupComplete = withholdsSetupComplete
        self.malformedFrameAfter = malformedFrameAfter
        self.oversizedFrameAfter = oversizedFrameAfter
        self.oversizedFrameBytes = oversizedFrameBytes
        self.stallAfter = stallAfter
    }

    /// No faults: a well-behaved service.
    public static let none = FaultScript()

    /// The timed actions of this script, in the order they fire.
    var timeline: [(at: Duration, action: FaultAction)] {
        var events: [(at: Duration, action: FaultAction)] = []
        let goAwayTime = goAwayAfter ?? connectionLifetime.map { max(.zero, $0 - goAwayTimeLeft) }
        if let goAwayTime { events.append((goAwayTime, .goAway(timeLeft: goAwayTimeLeft))) }
        if let connectionLifetime { events.append((connectionLifetime, .close(.deadlineExpired))) }
        if let dropAfter { events.append((dropAfter, .drop)) }
        if let closeAfter {
            events.append((closeAfter, .close(CloseReason(code: closeCode, text: closeReason))))
        }
        if let malformedFrameAfter { events.append((malformedFrameAfter, .malformedFrame)) }
        if let oversizedFrameAfter { events.append((oversizedFrameAfter, .oversizedFrame(bytes: oversizedFrameBytes))) }
        if let stallAfter { events.append((stallAfter, .stall)) }
        return events.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }
}

/// One timed fault, as the connection carries it out.
enum FaultAction: Sendable, Hashable {
    case goAway(timeLeft: Duration)
    case close(CloseReason)
    case drop
    case malformedFrame
    case oversizedFrame(bytes: Int)
    case stall
}
