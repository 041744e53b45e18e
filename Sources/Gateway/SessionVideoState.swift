/// A session's video as its properties show it: the share in progress and what went out.
struct SessionVideoState: Sendable {
    /// Whether the session shares video now.
    enum Status: String, Sendable {
        /// Nothing is shared (SendImage still works).
        case idle
        /// A share is being set up (the portal's dialog may be open).
        case starting
        /// Frames go out.
        case sharing
    }

    var status = Status.idle
    /// What is shared, in words ("" when nothing).
    var source = ""
    /// The share in progress, once it runs.
    var share: VideoShare?
    /// Frames and images sent, and their JPEG/PNG bytes.
    var framesSent: UInt64 = 0
    var bytesSent: UInt64 = 0
    /// Frames not sent: the picture had not changed enough (on-change), the session was not
    /// active (reconnecting), or the frame could not be converted.
    var framesSkipped: UInt64 = 0
    /// The shares to run, in order; the gateway's video task takes them.
    let shares: AsyncStream<VideoShare>
    let sharesContinuation: AsyncStream<VideoShare>.Continuation

    init() {
        (shares, sharesContinuation) = AsyncStream.makeStream()
    }
}
