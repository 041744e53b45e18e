import LiveProtocol
import Logging

extension LiveSession {
    /// Takes the picture of a `realtimeInput.video` message, as the service does: JPEG or PNG
    /// only, at most ``Vision/maxBytes``, decodable; anything else closes 1007 `Request contains
    /// an invalid argument.` (inferred: the service's generic refusal). A session that sends video
    /// without `contextWindowCompression` is closed 1011 `Deadline expired…` once
    /// ``SimulatorConfiguration/videoSessionLimit`` has passed since its first picture (the
    /// documented 2-minute audio+video limit; the reason text is inferred). False when closed.
    func look(at input: RealtimeInput, settings: SessionSettings) -> Bool {
        let arrival = ContinuousClock.now
        if !settings.compressesContext, let first = vision.firstFrameAt,
           arrival - first > context.configuration.videoSessionLimit {
            context.logger.notice("audio+video session limit reached without context compression")
            close(.deadlineExpired)
            return false
        }
        guard let video = input.video else { return true }
        do {
            try vision.see(video, arrival: arrival)
        } catch {
            context.logger.notice("video frame refused", metadata: ["reason": "\(error)", "mimeType": "\(video.mimeType)"])
            close(.invalidArgument)
            return false
        }
        if let latest = vision.latest {
            context.logger.debug("video frame", metadata: ["size": "\(latest.width)x\(latest.height)", "colors": "\(latest.colors)"])
        }
        return true
    }
}
