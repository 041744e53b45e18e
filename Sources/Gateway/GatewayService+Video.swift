import AudioNodes
import DBusService
import Logging
import Synchronization

extension GatewayService {
    // MARK: Bus surface

    /// ShareScreen, ShareVideo, StopSharing and SendImage on a session object.
    func addVideoMethods(to interface: inout ExportedInterface) {
        interface.onMethod("ShareVideo") { call in
            let session = try await self.session(at: call.path, for: call)
            let node = try call.argument(0, as: String.self)
            let options = try VideoOptions(try call.argument(1, as: [String: DBusValue].self), screen: false)
            try await self.shareVideo(node: node, options: options, into: session)
            return []
        }
        interface.onMethod("ShareScreen") { call in
            let session = try await self.session(at: call.path, for: call)
            let options = try VideoOptions(try call.argument(0, as: [String: DBusValue].self), screen: true)
            try await self.shareScreen(options: options, into: session)
            return []
        }
        interface.onMethod("StopSharing") { call in
            try await self.session(at: call.path, for: call).stopSharing()
            return []
        }
        interface.onMethod("SendImage") { call in
            let session = try await self.session(at: call.path, for: call)
            try await session.sendImage(try call.argument(0, as: [UInt8].self), mimeType: try call.argument(1, as: String.self))
            return []
        }
    }

    // MARK: Shares

    /// Runs the session's shares one after the other until the session ends.
    func serveVideo(_ session: LiveSession) async {
        let logger = logger.with("session", session.id)
        for await share in await session.videoShares {
            await share.run(for: session, logger: logger)
        }
    }

    /// Shares the PipeWire video node `node` (a `node.name`, or a global id in digits).
    private func shareVideo(node: String, options: VideoOptions, into session: LiveSession) async throws(DBusError) {
        guard !node.isEmpty else {
            throw .invalidArgs("ShareVideo needs a PipeWire video node: its node.name (e.g. from `pw-cli ls Node`) or its id")
        }
        let target: VideoCapture.Target = UInt32(node).map { .id($0) } ?? .name(node)
        try await session.reserveVideo(source: target.description)
        do throws(DBusError) {
            let loop = try pipeWire()
            let capture = try await Self.open(target, on: loop, remoteFD: nil, session: session, role: "Camera")
            let share = VideoShare(
                capture: capture, options: options, source: "node \(capture.node.name) (id \(capture.node.id))")
            guard await session.beginShare(share) else {
                capture.close()
                throw DBusError(GatewayError.invalidState, "The session closed while the share was being set up.")
            }
        } catch {
            await session.releaseVideo()
            throw error
        }
    }

    /// Shares a screen or window the user picks in the desktop's ScreenCast dialog.
    private func shareScreen(options: VideoOptions, into session: LiveSession) async throws(DBusError) {
        guard let bus = registry.withLock({ $0.bus }) else {
            throw DBusError(GatewayError.invalidState, "The gateway is shutting down.")
        }
        try await session.reserveVideo(source: "screen (waiting for the desktop's dialog)")
        do throws(DBusError) {
            let loop = try pipeWire()
            let grant = try await screenCast.share(on: bus, options: options)
            let closings: SignalSubscription
            let capture: VideoCapture
            do throws(DBusError) {
                closings = try await screenCast.closings(of: grant.session, on: bus)
                guard let fd = grant.remote.take() else {
                    throw DBusError(GatewayError.portalRefused, "The portal's PipeWire socket was already used.")
                }
                capture = try await Self.open(.id(grant.node), on: loop, remoteFD: fd, session: session, role: "Screen")
            } catch {
                await screenCast.close(grant.session, on: bus)
                throw error
            }
            let size = grant.size.map { " \($0.width)x\($0.height)" } ?? ""
            let share = VideoShare(
                capture: capture, options: options, source: "\(grant.sourceType)\(size) (portal node \(grant.node))",
                portal: .init(portal: screenCast, session: grant.session, bus: bus, closings: closings))
            guard await session.beginShare(share) else {
                capture.close()
                closings.cancel()
                await screenCast.close(grant.session, on: bus)
                throw DBusError(GatewayError.invalidState, "The session closed while the share was being set up.")
            }
        } catch {
            await session.releaseVideo()
            throw error
        }
    }

    /// The PipeWire connection, or `AudioUnavailable` saying why there is none.
    private func pipeWire() throws(DBusError) -> PipeWireLoop {
        switch try audioBackend().currentAvailability {
        case .available(let loop): return loop
        case .unavailable(let reason):
            throw DBusError(GatewayError.audioUnavailable, "Video needs PipeWire: \(reason).")
        }
    }

    private static func open(
        _ target: VideoCapture.Target, on loop: PipeWireLoop, remoteFD: Int32?, session: LiveSession, role: String
    ) async throws(DBusError) -> VideoCapture {
        do {
            return try await VideoCapture.open(
                pipeWire: loop, target: target, remoteFD: remoteFD, name: "gemini-live-\(session.id)-video", role: role)
        } catch {
            switch error {
            case .nodeNotFound:
                throw DBusError(GatewayError.notFound, "\(error) `pw-cli ls Node` lists them; pass a node.name or id.")
            case .pipeWire:
                throw DBusError(GatewayError.audioUnavailable, "PipeWire could not open the video stream: \(error)")
            }
        }
    }
}
