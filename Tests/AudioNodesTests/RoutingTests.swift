import AudioNodes
import BusTestSupport
import Foundation
import Synchronization
import Testing

/// What a sink captured, filled by a reader task until the sink closes.
final class CapturedAudio: Sendable {
    private let samples = Mutex<[Int16]>([])

    static func reading(_ sink: VirtualSink) -> CapturedAudio {
        let captured = CapturedAudio()
        Task {
            for await event in sink.events {
                if case .audio(let chunk) = event {
                    captured.samples.withLock { $0 += chunk.samples }
                }
            }
        }
        return captured
    }

    var count: Int { samples.withLock { $0.count } }

    /// The RMS of the last `count` samples captured.
    func recentRMS(_ count: Int) -> Double { samples.withLock { rms($0.suffix(count)) } }

    /// The largest magnitude after the first `start` samples, as a fraction of full scale.
    func peak(after start: Int) -> Double {
        samples.withLock { Double($0.dropFirst(start).map { abs(Int($0)) }.max() ?? 0) / 32768 }
    }
}

/// Listing playing applications and routing them into a session's sink, with WirePlumber
/// (moves through the `default` metadata) and without it (direct links).
@Suite("PipeWireGraph routing", .serialized, .timeLimit(.minutes(1)))
struct RoutingTests {
    /// The `target.*` lines `pw-metadata` prints for `subject` in the `default` metadata.
    static func targets(_ desktop: TestDesktop, subject: UInt32) throws -> [String] {
        try desktop.run("/usr/bin/pw-metadata", ["-n", "default", String(subject)])
            .split(separator: "\n").map(String.init).filter { $0.contains("key:'target.") }
    }

    @Test("with WirePlumber: a playing app is listed, routed into the session's sink, and moved back")
    func routeWithSessionManager() async throws {
        try await TestDesktop.run { desktop in
            let wav = try desktop.tone()
            try await desktop.addDefaultSpeaker()
            let pipeWire = try PipeWireLoop(configuration: .init(remote: desktop.socket))
            defer { pipeWire.close() }
            let audio = try SessionAudio(session: "r1", pipeWire: pipeWire)
            let input = try #require(audio.input)
            defer { audio.close() }
            try await desktop.waitForPort("gemini-live-r1-input:playback_MONO", inputs: true)
            let captured = CapturedAudio.reading(input)
            let player = try desktop.start("/usr/bin/pw-cat", ["--playback", wav])
            defer { Tool.stop(player) }
            try await waitUntil("pw-cat playing into the default sink") {
                try desktop.linkTargets(of: "pw-cat").contains { $0.hasPrefix("test-speaker:") }
            }

            let graph = pipeWire.graph
            try await graph.synchronize()
            #expect(graph.hasSessionManager)
            let apps = graph.applications()
            print("routing: applications \(apps)")
            #expect(!apps.contains { $0.application == "gemini-live-gateway" || ($0.nodeName ?? "").hasPrefix("gemini-live") })
            let app = try #require(apps.first { $0.application == "pw-cat" })
            #expect(app.mediaName == wav)
            #expect(app.nodeName == "pw-cat")
            #expect(app.binary == "pw-cat")
            #expect(app.processID == Int(player.processIdentifier))
            #expect(captured.count == 0, "nothing reaches the sink before routing")

            let sinkID = try #require(input.nodeID)
            let route = try await graph.route(application: app.nodeID, toSink: input.name, sinkNodeID: sinkID)
            #expect(route.mechanism == .sessionManager)
            #expect(graph.routes() == [route])
            #expect(try Self.targets(desktop, subject: app.nodeID).contains { $0.contains("value:'gemini-live-r1-input'") })
            try await waitUntil("the tone in the session's sink") {
                captured.count >= 8000 && captured.recentRMS(4000) > 0.2
            }
            let links = try desktop.linkTargets(of: "pw-cat")
            #expect(links.allSatisfy { $0.hasPrefix("gemini-live-r1-input:") } && !links.isEmpty, "\(links)")
            print("routing: WirePlumber route, RMS \(captured.recentRMS(4000)), links \(links)")

            #expect(graph.unroute(route))
            #expect(!graph.unroute(route), "a second unroute has nothing left to undo")
            #expect(graph.routes().isEmpty)
            try await waitUntil("pw-cat back on the default sink only") {
                let links = try desktop.linkTargets(of: "pw-cat")
                return !links.isEmpty && links.allSatisfy { $0.hasPrefix("test-speaker:") }
            }
            try await waitUntil("target.object cleared") { try Self.targets(desktop, subject: app.nodeID).isEmpty }
            let stopped = captured.count
            try await Task.sleep(for: .milliseconds(300))
            #expect(captured.count - stopped <= 1600, "the sink gets no more audio once unrouted")

            let again = try await graph.route(application: app.nodeID, toSink: input.name, sinkNodeID: sinkID)
            #expect(graph.routes() == [again])
            Tool.stop(player)
            try await waitUntil("the route of an app that quit forgotten") { graph.routes().isEmpty }
            #expect(!graph.applications().contains { $0.nodeID == app.nodeID })
        }
    }

    @Test("without a session manager: direct links carry one channel into the sink, and go on unroute")
    func routeWithLinks() async throws {
        try await TestDesktop.run(wirePlumber: false) { desktop in
            let wav = try desktop.tone()
            let pipeWire = try PipeWireLoop(configuration: .init(remote: desktop.socket))
            defer { pipeWire.close() }
            let audio = try SessionAudio(session: "r2", pipeWire: pipeWire)
            let input = try #require(audio.input)
            defer { audio.close() }
            try await desktop.waitForPort("gemini-live-r2-input:playback_MONO", inputs: true)
            let captured = CapturedAudio.reading(input)
            let ports = "adapter.auto-port-config = { mode = dsp monitor = false position = preserve }"
            let player = try desktop.start("/usr/bin/pw-cat", ["--playback", "-P", "{ \(ports) }", wav])
            defer { Tool.stop(player) }
            try await desktop.waitForPort("pw-cat:output_FR", inputs: false)

            let graph = pipeWire.graph
            try await graph.synchronize()
            #expect(!graph.hasSessionManager)
            let app = try #require(graph.applications().first { $0.application == "pw-cat" })
            let sinkID = try #require(input.nodeID)
            let route = try await graph.route(application: app.nodeID, toSink: input.name, sinkNodeID: sinkID)
            #expect(route.mechanism == .links(1))
            #expect(try desktop.linkTargets(of: "pw-cat") == ["gemini-live-r2-input:playback_MONO"])
            #expect(try desktop.links().contains { $0.output == "pw-cat:output_FL" })
            try await waitUntil("the tone in the session's sink") {
                captured.count >= 8000 && captured.recentRMS(4000) > 0.2
            }
            let level = captured.recentRMS(4000)
            let peak = captured.peak(after: 1600)
            print("routing: direct links, RMS \(level), peak \(peak)")
            #expect(level > 0.3 && level < 0.4, "one half-scale channel: RMS 0.354, not a clipped sum")
            #expect(peak < 0.6)

            #expect(graph.unrouteAll(fromSink: sinkID) == [route])
            #expect(graph.routes().isEmpty)
            try await waitUntil("the links gone") { try desktop.linkTargets(of: "pw-cat").isEmpty }
            let stopped = captured.count
            try await Task.sleep(for: .milliseconds(300))
            #expect(captured.count - stopped <= 1600, "the sink gets no more audio once unrouted")
        }
    }

    @Test("routing errors name the problem: unknown node, not a playback stream, sink not in the graph")
    func routingErrors() async throws {
        try await TestDesktop.run { desktop in
            let wav = try desktop.tone()
            try await desktop.addDefaultSpeaker()
            let pipeWire = try PipeWireLoop(configuration: .init(remote: desktop.socket))
            defer { pipeWire.close() }
            let audio = try SessionAudio(session: "r3", pipeWire: pipeWire)
            let input = try #require(audio.input)
            defer { audio.close() }
            try await desktop.waitForPort("gemini-live-r3-input:playback_MONO", inputs: true)
            let player = try desktop.start("/usr/bin/pw-cat", ["--playback", wav])
            defer { Tool.stop(player) }
            let graph = pipeWire.graph
            try await waitUntil("pw-cat in the graph") {
                graph.applications().contains { $0.application == "pw-cat" }
            }
            let app = try #require(graph.applications().first { $0.application == "pw-cat" })
            let sinkID = try #require(input.nodeID)

            let unknown = await #expect(throws: AudioNodesError.self) {
                try await graph.route(application: 999_999, toSink: input.name, sinkNodeID: sinkID)
            }
            #expect(unknown?.result == -2)
            #expect(unknown?.description.contains("there is no node 999999") == true, "\(String(describing: unknown))")

            let notStream = await #expect(throws: AudioNodesError.self) {
                try await graph.route(application: sinkID, toSink: input.name, sinkNodeID: sinkID)
            }
            #expect(notStream?.description.contains("is not a playback stream (media.class Audio/Sink") == true,
                    "\(String(describing: notStream))")

            let noSink = await #expect(throws: AudioNodesError.self) {
                try await graph.route(application: app.nodeID, toSink: "gemini-live-gone-input", sinkNodeID: sinkID)
            }
            #expect(noSink?.description.contains("the sink gemini-live-gone-input (node \(sinkID)) is not in the PipeWire graph yet") == true,
                    "\(String(describing: noSink))")
            #expect(graph.routes().isEmpty)
            #expect(try Self.targets(desktop, subject: app.nodeID).isEmpty)
        }
    }
}
