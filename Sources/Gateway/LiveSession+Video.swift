import DBusService
import Foundation
import LiveProtocol

extension LiveSession {
    // MARK: Shares

    /// Claims the session's one video slot for a share of `source` being set up.
    /// - Throws: `InvalidState` when the session is not active or already shares something, or
    ///   when it runs without context compression (the service ends audio+video sessions after
    ///   two minutes without it).
    func reserveVideo(source: String) async throws(DBusError) {
        lastCall = .now
        guard state == .active else {
            throw DBusError(GatewayError.invalidState, "The session is \(state.rawValue); it shares video only while active.")
        }
        guard video.status == .idle else {
            throw DBusError(GatewayError.invalidState,
                "The session already shares \(video.source.isEmpty ? "a source" : video.source) (one video source per session); call StopSharing first.")
        }
        guard configuration.contextCompression != nil else {
            throw DBusError(GatewayError.invalidState,
                "This session was started with context_compression off, and the service ends sessions with audio and video after 2 minutes without it. Start a session with context compression on (the default) to share video.")
        }
        video.status = .starting
        video.source = source
        emit(.propertiesChanged(["VideoState", "VideoSource"]))
    }

    /// The share being set up failed: the slot is free again.
    func releaseVideo() async {
        guard video.status == .starting else { return }
        video.status = .idle
        video.source = ""
        emit(.propertiesChanged(["VideoState", "VideoSource"]))
    }

    /// Starts `share` (its frames go out from now on); false when the session closed meanwhile
    /// (the caller then releases the share's source).
    func beginShare(_ share: VideoShare) async -> Bool {
        guard video.status == .starting, state != .closed, state != .closing, closeCause == nil else { return false }
        video.status = .sharing
        video.source = share.source
        video.share = share
        video.sharesContinuation.yield(share)
        emit(.propertiesChanged(["VideoState", "VideoSource"]))
        return true
    }

    /// Ends the share in progress and returns once its source is released.
    /// - Throws: `InvalidState` when nothing is shared.
    func stopSharing() async throws(DBusError) {
        lastCall = .now
        guard let share = video.share else {
            throw DBusError(GatewayError.invalidState,
                video.status == .starting
                    ? "The share is still being set up (the desktop's dialog may be open); StopSharing works once it runs."
                    : "Nothing is being shared; ShareScreen or ShareVideo starts a share.")
        }
        share.stop()
        _ = await share.waitUntilEnded()
    }

    /// The share ended: the slot is free, and `VideoStopped` says how (with a named error when
    /// the source went away).
    func videoEnded(_ share: VideoShare, ending: VideoShare.Ending) async {
        guard video.share === share else { return }
        video.share = nil
        video.status = .idle
        video.source = ""
        let (name, message): (String, String)
        switch ending {
        case .stopped:
            (name, message) = ("", "The share of \(share.source) was stopped.")
        case .snapshotTaken:
            (name, message) = ("", "The snapshot of \(share.source) was sent.")
        case .sourceGone(let reason):
            (name, message) = (GatewayError.sourceGone.rawValue,
                "The share of \(share.source) ended: \(reason). The session goes on; share again when the source is back.")
        case .failed(let reason):
            (name, message) = (GatewayError.sourceGone.rawValue,
                "The share of \(share.source) ended: \(reason). The session goes on.")
        }
        var changed = ["VideoState", "VideoSource"]
        if !name.isEmpty {
            lastError = message
            changed.append("LastError")
        }
        emit(.propertiesChanged(changed))
        emit(.videoStopped(error: name, message: message))
    }

    // MARK: Frames

    /// Sends one JPEG frame as `realtimeInput.video`; false (counted as skipped) when the
    /// session is not active. Frames are not kept for a resume: a stale picture is worth nothing.
    /// While a blocking tool call is pending the frame is held (``HeldInput``) and sent after the
    /// response; a newer frame replaces it, and the replaced one counts as skipped.
    func sendVideoFrame(_ jpeg: Data) async -> Bool {
        guard state == .active, closeCause == nil else {
            video.framesSkipped += 1
            emit(.propertiesChanged(["VideoFramesSkipped"]))
            return false
        }
        do {
            try await sendRealtime(.realtimeInput(RealtimeInput(video: Blob(mimeType: "image/jpeg", data: jpeg))), frame: true)
        } catch {
            video.framesSkipped += 1
            emit(.propertiesChanged(["VideoFramesSkipped"]))
            return false
        }
        video.framesSent += 1
        video.bytesSent += UInt64(jpeg.count)
        emit(.propertiesChanged(["VideoFramesSent", "VideoBytesSent"]))
        return true
    }

    /// A frame held during a blocking tool call was replaced by a newer one: it is not sent
    /// after all, so it moves from the sent counters to the skipped one.
    func videoFrameReplaced(_ older: ClientMessage) async {
        guard case .realtimeInput(let input) = older, let blob = input.video else { return }
        video.framesSent -= min(video.framesSent, 1)
        video.bytesSent -= min(video.bytesSent, UInt64(blob.data.count))
        video.framesSkipped += 1
        emit(.propertiesChanged(["VideoFramesSent", "VideoBytesSent", "VideoFramesSkipped"]))
    }

    /// A frame was not sent (unchanged picture, or it could not be converted).
    func videoFrameSkipped() async {
        video.framesSkipped += 1
        emit(.propertiesChanged(["VideoFramesSkipped"]))
    }

    /// Sends one still image (PNG or JPEG, checked) as `realtimeInput.video`. Kept for a
    /// resume like text: the owner sent it on purpose; held like audio while a blocking tool
    /// call is pending, never replaced.
    func sendImage(_ bytes: [UInt8], mimeType: String) async throws(DBusError) {
        lastCall = .now
        let image = try StillImage(bytes, declared: mimeType)
        try await sendRealtime(.realtimeInput(RealtimeInput(video: Blob(mimeType: image.mimeType, data: image.data))), kept: true)
        video.framesSent += 1
        video.bytesSent += UInt64(image.data.count)
        emit(.propertiesChanged(["VideoFramesSent", "VideoBytesSent"]))
    }

    /// The gateway's video task: the shares to run, in order.
    var videoShares: AsyncStream<VideoShare> { video.shares }

    // MARK: Properties

    /// The video properties' names.
    static let videoPropertyNames = ["VideoState", "VideoSource", "VideoFramesSent", "VideoBytesSent", "VideoFramesSkipped"]

    func videoPropertyValues() -> [String: DBusValue] {
        [
            "VideoState": .string(video.status.rawValue),
            "VideoSource": .string(video.source),
            "VideoFramesSent": .uint64(video.framesSent),
            "VideoBytesSent": .uint64(video.bytesSent),
            "VideoFramesSkipped": .uint64(video.framesSkipped),
        ]
    }
}
