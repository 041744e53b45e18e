import BusTestSupport
import DBusService
import Foundation
import Gateway
import LiveProtocol
import LiveSimulator
import Testing

/// Video end to end without a compositor: `video-test-source` nodes on a private PipeWire draw
/// known pictures, the gateway captures, scales and encodes them, the simulator decodes them and
/// says what it sees. ShareScreen runs the gateway's real portal client against the test portal.
@Suite("Video sharing through real PipeWire", .serialized, .timeLimit(.minutes(3)))
struct VideoShareTests {
    typealias G = GatewayHarness
    typealias V = VideoHarness

    @Test("ShareVideo of a test picture: 768x432 JPEG frames at 1 fps, the model sees red; StopSharing ends it")
    func shareVideo() async throws {
        try await V.with { desktop, gateway in
            let source = try await V.startSource(desktop, name: "test-camera", color: "red")
            defer { source.stop() }
            let path = try await V.startSession(gateway)
            let monitor = try await gateway.monitorSignals()
            try await gateway.call(path, G.sessionInterface, "ShareVideo", "sa{sv}", source.name, "0")
            #expect(try await V.string(gateway, path, "VideoState") == "sharing")
            #expect(try await V.string(gateway, path, "VideoSource") == "node test-camera (id \(source.nodeID))")
            let flowing = try await eventually { try await V.count(gateway, path, "VideoFramesSent") >= 2 }
            #expect(flowing, "\(gateway.logs.text)")
            let pictures = V.pictures(gateway)
            #expect(pictures.allSatisfy { $0.mimeType == "image/jpeg" })
            #expect(pictures.compactMap { V.jpegSize($0.data) }.allSatisfy { $0 == (768, 432) }, "scaled to 768 on the long side")
            #expect(try await V.count(gateway, path, "VideoBytesSent") >= UInt64(pictures.first?.data.count ?? 1))
            let reply = try await V.ask(gateway, path)
            #expect(reply.contains("I see a 768x432 image, mostly red."), "\(reply)")

            try await gateway.call(path, G.sessionInterface, "StopSharing")
            #expect(try await V.string(gateway, path, "VideoState") == "idle")
            #expect(try await V.string(gateway, path, "VideoSource") == "")
            let sent = try await V.count(gateway, path, "VideoFramesSent")
            try await Task.sleep(for: .milliseconds(1500))
            #expect(try await V.count(gateway, path, "VideoFramesSent") == sent, "no frame after StopSharing")
            let stopped = await eventually { monitor.stdout.contains("member=VideoStopped") }
            let log = MonitorLog(await monitor.stop().stdout)
            #expect(stopped)
            #expect(log.signals(G.sessionInterface, "VideoStopped", path: path).first?.values("string").first == "")
            let again = try await gateway.gdbus(path, G.sessionInterface, "StopSharing")
            #expect(GDBusError(again)?.name == GatewayError.invalidState.rawValue, "\(again.stderr)")
        }
    }

    @Test("Every negotiated format is converted: RGBx, RGB, YUY2, I420, NV12 snapshots show their colour")
    func formats() async throws {
        try await V.with { desktop, gateway in
            let path = try await V.startSession(gateway)
            for (format, color) in [("RGBx", "green"), ("RGB", "blue"), ("YUY2", "yellow"), ("I420", "red"), ("NV12", "blue")] {
                let source = try await V.startSource(desktop, name: "test-\(format.lowercased())", color: color, format: format, size: "640x480")
                defer { source.stop() }
                let before = try await V.count(gateway, path, "VideoFramesSent")
                try await gateway.call(path, G.sessionInterface, "ShareVideo", "sa{sv}", source.name, "2", "mode", "s", "snapshot", "max_size", "u", "320")
                let done = try await eventually { try await V.string(gateway, path, "VideoState") == "idle" }
                #expect(done, "the snapshot ends the share (\(format))")
                #expect(try await V.count(gateway, path, "VideoFramesSent") == before + 1, "one frame (\(format))")
                let reply = try await V.ask(gateway, path)
                #expect(reply.contains("I see a 320x240 image, mostly \(color)."), "\(format): \(reply)")
            }
        }
    }

    @Test("on-change sends a still picture once and skips the rest; a changing picture goes out every period")
    func onChange() async throws {
        try await V.with { desktop, gateway in
            let path = try await V.startSession(gateway)
            let still = try await V.startSource(desktop, name: "test-still", color: "white")
            try await gateway.call(path, G.sessionInterface, "ShareVideo", "sa{sv}", still.name, "2", "mode", "s", "on-change", "fps", "d", "1")
            let skipped = try await eventually(timeout: .seconds(10)) { try await V.count(gateway, path, "VideoFramesSkipped") >= 3 }
            #expect(skipped)
            #expect(try await V.count(gateway, path, "VideoFramesSent") == 1, "the still picture went out once")
            try await gateway.call(path, G.sessionInterface, "StopSharing")
            still.stop()

            let changing = try await V.startSource(desktop, name: "test-changing", color: "white", fps: 2, pattern: "changing")
            defer { changing.stop() }
            let skippedBefore = try await V.count(gateway, path, "VideoFramesSkipped")
            try await gateway.call(
                path, G.sessionInterface, "ShareVideo", "sa{sv}", changing.name, "4", "mode", "s", "on-change", "fps", "d", "2",
                "allow_fast", "b", "true", "change_threshold", "d", "0.1")
            let sent = try await eventually(timeout: .seconds(10)) { try await V.count(gateway, path, "VideoFramesSent") >= 1 + 4 }
            #expect(sent, "a changing picture keeps going out")
            try await gateway.call(path, G.sessionInterface, "StopSharing")
            let skippedDuring = try await V.count(gateway, path, "VideoFramesSkipped") - skippedBefore
            let sentDuring = try await V.count(gateway, path, "VideoFramesSent") - 1
            #expect(sentDuring > skippedDuring, "sent \(sentDuring), skipped \(skippedDuring)")
        }
    }

    @Test("A source that vanishes mid-share: VideoStopped with SourceGone, LastError says so, the session goes on")
    func vanishingSource() async throws {
        try await V.with { desktop, gateway in
            let source = try await V.startSource(desktop, name: "test-unplugged", color: "green")
            let path = try await V.startSession(gateway)
            let monitor = try await gateway.monitorSignals()
            try await gateway.call(path, G.sessionInterface, "ShareVideo", "sa{sv}", String(source.nodeID), "0")
            let flowing = try await eventually { try await V.count(gateway, path, "VideoFramesSent") >= 1 }
            #expect(flowing)
            source.stop()
            let idle = try await eventually { try await V.string(gateway, path, "VideoState") == "idle" }
            #expect(idle, "\(gateway.logs.text)")
            #expect(try await V.string(gateway, path, "LastError").contains("the video node went away"))
            let signalled = await eventually { monitor.stdout.contains("member=VideoStopped") }
            let log = MonitorLog(await monitor.stop().stdout)
            #expect(signalled)
            #expect(log.signals(G.sessionInterface, "VideoStopped", path: path).first?.values("string").first == GatewayError.sourceGone.rawValue)
            #expect(try await V.string(gateway, path, "State") == "active")
            let reply = try await V.ask(gateway, path, "Still there?")
            #expect(reply.contains("You said: Still there?"), "\(reply)")
        }
    }

    @Test("ShareScreen through the ScreenCast portal: the handshake, the portal's node over its fd, the restore token, the desktop ending the cast")
    func shareScreen() async throws {
        try await V.with { desktop, gateway in
            let source = try await V.startSource(desktop, name: "test-monitor", color: "blue")
            defer { source.stop() }
            let portal = try await V.startPortal(gateway, desktop, nodeID: source.nodeID)
            let path = try await V.startSession(gateway)
            try await gateway.call(path, G.sessionInterface, "ShareScreen", "a{sv}", "1", "cursor", "s", "hidden")
            #expect(try await V.string(gateway, path, "VideoSource") == "monitor 1280x720 (portal node \(source.nodeID))")
            let flowing = try await eventually { try await V.count(gateway, path, "VideoFramesSent") >= 1 }
            #expect(flowing, "\(gateway.logs.text)")
            let reply = try await V.ask(gateway, path)
            #expect(reply.contains("I see a 768x432 image, mostly blue."), "\(reply)")
            #expect(portal.methods().prefix(4) == ["CreateSession", "SelectSources", "Start", "OpenPipeWireRemote"])
            let selection = try #require(portal.options(of: "SelectSources").first)
            #expect(selection["types"] as? Int == 1)
            #expect(selection["cursor_mode"] as? Int == 1)
            #expect(selection["persist_mode"] as? Int == 2)
            #expect(selection["restore_token"] == nil, "no token before the first share")
            try await gateway.call(path, G.sessionInterface, "StopSharing")
            #expect(portal.methods().contains("Close"), "the portal session is closed")

            // The second share passes the token back, so the real portal needs no dialog.
            try await gateway.call(path, G.sessionInterface, "ShareScreen", "a{sv}", "1", "source", "s", "window")
            let second = try #require(portal.options(of: "SelectSources").last)
            #expect(second["restore_token"] as? String == "test-restore-token-1")
            #expect(second["types"] as? Int == 2)
            // The user stops the cast from the desktop.
            portal.endCasts()
            let ended = try await eventually { try await V.string(gateway, path, "VideoState") == "idle" }
            #expect(ended, "\(gateway.logs.text)\nportal: \(portal.methods())")
            #expect(try await V.string(gateway, path, "LastError").contains("the desktop ended the screen cast"))
            await portal.stop()
        }
    }

    @Test("A portal that is cancelled, refuses, or is missing: Cancelled, PortalRefused, PortalUnavailable; nothing is shared")
    func portalSaysNo() async throws {
        try await V.with { desktop, gateway in
            let source = try await V.startSource(desktop, name: "test-refused", color: "red")
            defer { source.stop() }
            let path = try await V.startSession(gateway)
            let missing = try await gateway.gdbus(path, G.sessionInterface, "ShareScreen", "{}")
            #expect(GDBusError(missing)?.name == GatewayError.portalUnavailable.rawValue, "\(missing.stderr)")
            for (select, start, error) in [(1, 0, GatewayError.cancelled), (0, 2, GatewayError.portalRefused)] {
                let portal = try await V.startPortal(gateway, desktop, nodeID: source.nodeID, selectResponse: select, startResponse: start)
                let result = try await gateway.gdbus(path, G.sessionInterface, "ShareScreen", "{}")
                #expect(GDBusError(result)?.name == error.rawValue, "\(result.stderr)")
                #expect(try await V.string(gateway, path, "VideoState") == "idle")
                #expect(portal.methods().contains("Close"), "the half-made portal session is closed")
                await portal.stop()
            }
            #expect(try await V.count(gateway, path, "VideoFramesSent") == 0)
        }
    }

    @Test("Bad share requests are named: unknown node, a second source, fps above 1, a session without compression")
    func badRequests() async throws {
        try await V.with { desktop, gateway in
            let source = try await V.startSource(desktop, name: "test-busy", color: "red")
            defer { source.stop() }
            let path = try await V.startSession(gateway)
            let unknown = try await gateway.gdbus(path, G.sessionInterface, "ShareVideo", "no-such-camera", "{}")
            #expect(GDBusError(unknown)?.name == GatewayError.notFound.rawValue)
            #expect(GDBusError(unknown)?.message.contains("test-busy (id \(source.nodeID))") == true, "lists the video nodes: \(unknown.stderr)")
            let fast = try await gateway.gdbus(path, G.sessionInterface, "ShareVideo", "test-busy", "{'fps': <5.0>}")
            #expect(GDBusError(fast)?.name == "org.freedesktop.DBus.Error.InvalidArgs")
            #expect(GDBusError(fast)?.message.contains("allow_fast") == true)
            try await gateway.call(path, G.sessionInterface, "ShareVideo", "sa{sv}", source.name, "0")
            let second = try await gateway.gdbus(path, G.sessionInterface, "ShareVideo", "test-busy", "{}")
            #expect(GDBusError(second)?.name == GatewayError.invalidState.rawValue)
            #expect(GDBusError(second)?.message.contains("call StopSharing first") == true)
            try await gateway.call(path, G.sessionInterface, "StopSharing")

            let plain = try await V.startSession(gateway, extra: ["context_compression", "b", "false"])
            let refused = try await gateway.gdbus(plain, G.sessionInterface, "ShareVideo", "test-busy", "{}")
            #expect(GDBusError(refused)?.name == GatewayError.invalidState.rawValue)
            #expect(GDBusError(refused)?.message.contains("2 minutes") == true)
        }
    }
}
