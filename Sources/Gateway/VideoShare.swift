import AudioNodes
import DBusService
import Foundation
import Logging
import Synchronization

/// One video source shared into a session: it takes the newest frame at the share's rate,
/// scales and encodes it to JPEG (on its own task, never on PipeWire's threads), decides
/// whether it goes out (on-change), and ends when stopped, after a snapshot, or when the
/// source goes away.
final class VideoShare: Sendable {
    /// How a share ended.
    enum Ending: Sendable, Equatable {
        /// StopSharing, or the session closed.
        case stopped
        /// The one frame of a snapshot went out.
        case snapshotTaken
        /// The source went away (the reason in words).
        case sourceGone(String)
        /// The source never delivered a usable frame (the reason in words).
        case failed(String)
    }

    /// The portal session behind a screen share, closed when the share ends.
    struct PortalLink: Sendable {
        let portal: ScreenCastPortal
        let session: DBusObjectPath
        let bus: DBusConnection
        /// The portal's `Session.Closed` signals: the user ended the cast from the desktop.
        let closings: SignalSubscription
    }

    let capture: VideoCapture
    let options: VideoOptions
    /// What is shared, in words (the VideoSource property).
    let source: String
    let portal: PortalLink?
    /// How long the source may take to deliver its first frame.
    static let firstFrameTimeout = Duration.seconds(10)

    private let stopSignal: AsyncStream<Void>
    private let stopContinuation: AsyncStream<Void>.Continuation
    private let completion = Mutex<(ended: Ending?, waiters: [CheckedContinuation<Ending, Never>])>((nil, []))

    init(capture: VideoCapture, options: VideoOptions, source: String, portal: PortalLink? = nil) {
        self.capture = capture
        self.options = options
        self.source = source
        self.portal = portal
        (stopSignal, stopContinuation) = AsyncStream.makeStream()
    }

    /// Asks the share to end; ``run(for:logger:)`` returns soon after.
    func stop() {
        stopContinuation.finish()
    }

    /// Returns once the share has ended (at once when it has), with how it ended.
    func waitUntilEnded() async -> Ending {
        await withCheckedContinuation { waiter in
            let ended = completion.withLock { state -> Ending? in
                if let ended = state.ended { return ended }
                state.waiters.append(waiter)
                return nil
            }
            if let ended { waiter.resume(returning: ended) }
        }
    }

    /// Sends frames into `session` until the share ends, then releases the source (and the
    /// portal's session) and tells the session how it ended.
    func run(for session: LiveSession, logger: Logger) async {
        let ending = await withTaskGroup(of: Ending.self) { group in
            group.addTask {
                for await _ in self.stopSignal {}
                return .stopped
            }
            group.addTask {
                for await event in self.capture.events {
                    if case .ended(let reason) = event { return .sourceGone(reason) }
                }
                return Task.isCancelled ? .stopped : .sourceGone("the video stream ended")
            }
            if let portal {
                group.addTask {
                    for await _ in portal.closings.signals {
                        return .sourceGone("the desktop ended the screen cast")
                    }
                    return .stopped
                }
            }
            group.addTask { await self.pump(into: session, logger: logger) }
            let first = await group.next() ?? .stopped
            group.cancelAll()
            return first
        }
        capture.close()
        if let portal {
            portal.closings.cancel()
            await portal.portal.close(portal.session, on: portal.bus)
        }
        logger.info("video share of \(source) ended: \(ending)")
        await session.videoEnded(self, ending: ending)
        let waiters = completion.withLock { state in
            state.ended = ending
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: ending) }
    }

    /// The frame loop: one tick every 1/fps seconds.
    private func pump(into session: LiveSession, logger: Logger) async -> Ending {
        var sequence: UInt64 = 0
        var sentThumbnail: [UInt8]?
        var lastJPEG: Data?
        let clock = ContinuousClock()
        let firstDeadline = clock.now + Self.firstFrameTimeout
        var next = clock.now
        while !Task.isCancelled {
            if let frame = capture.latestFrame(after: sequence) {
                sequence = frame.sequence
                do {
                    let picture = try FrameEncoder.scale(frame, maxSize: options.maxSize)
                    let thumbnail = options.mode == .onChange ? FrameEncoder.thumbnail(picture) : nil
                    if let thumbnail, let sentThumbnail,
                       FrameEncoder.difference(thumbnail, sentThumbnail) < options.changeThreshold {
                        await session.videoFrameSkipped()
                    } else {
                        let jpeg = try FrameEncoder.jpeg(picture, quality: options.quality)
                        if await session.sendVideoFrame(jpeg) {
                            sentThumbnail = thumbnail
                            lastJPEG = jpeg
                            if options.mode == .snapshot { return .snapshotTaken }
                        }
                    }
                } catch {
                    logger.warning("a video frame was skipped: \(error)")
                    await session.videoFrameSkipped()
                }
            } else if lastJPEG == nil, sentThumbnail == nil {
                // No picture yet: look again soon rather than a whole period later.
                guard clock.now < firstDeadline else {
                    return .failed("the source delivered no picture within \(Self.firstFrameTimeout)")
                }
                try? await Task.sleep(for: .milliseconds(20))
                continue
            } else if options.mode == .continuous, let lastJPEG {
                // The source sent nothing new (a still screen): the same picture again.
                _ = await session.sendVideoFrame(lastJPEG)
            } else if options.mode == .onChange {
                await session.videoFrameSkipped()
            }
            next += options.period
            if next < clock.now { next = clock.now }
            try? await Task.sleep(until: next, clock: clock)
        }
        return .stopped
    }
}
