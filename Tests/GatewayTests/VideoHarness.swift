import AudioNodes
import BusTestSupport
import Foundation
import Gateway
import LiveProtocol
import LiveSimulator
import VideoCodec

/// What the video tests share: a desktop (private PipeWire + WirePlumber) with a gateway whose
/// sessions can share video, `video-test-source` nodes drawing known pictures, the test
/// ScreenCast portal on the gateway's bus, and readers for what the simulator received and said.
enum VideoHarness {
    typealias G = GatewayHarness

    /// Runs `body` with a desktop and a gateway on it.
    static func with<T: Sendable>(
        simulator: SimulatorConfiguration = SimulatorConfiguration(pacing: .immediate),
        _ body: (TestDesktop, GatewayHarness) async throws -> T
    ) async throws -> T {
        try await TestDesktop.run { desktop in
            let socket = desktop.socket
            return try await G.with(simulator: simulator, configure: {
                $0.audio = AudioConfiguration(pipeWire: .init(remote: socket))
            }) { gateway in
                try await body(desktop, gateway)
            }
        }
    }

    /// The built `video-test-source`, beside the test bundle.
    static var sourceExecutable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("video-test-source").path
    }

    /// The project's file `path`.
    static func fixture(_ path: String) -> String {
        TestDesktop.root.appendingPathComponent(path).path
    }

    /// A running `video-test-source` and its node.
    struct Source {
        let process: Process
        let name: String
        let nodeID: Int

        /// Ends it (SIGINT): its node leaves the graph.
        func stop() {
            Tool.stop(process)
        }
    }

    /// Starts a test picture `name` and waits until its node is in the graph.
    static func startSource(
        _ desktop: TestDesktop, name: String, color: String = "red", format: String = "BGRx", size: String = "1280x720",
        fps: Int = 5, pattern: String = "still"
    ) async throws -> Source {
        let process = try desktop.start(sourceExecutable, [
            "--name", name, "--color", color, "--format", format, "--size", size, "--fps", String(fps), "--pattern", pattern,
        ])
        var nodeID: Int?
        try await waitUntil("the node \(name)") {
            if let props = try desktop.nodes()[name] { nodeID = (props["object.id"] as? NSNumber)?.intValue }
            return nodeID != nil || !process.isRunning
        }
        guard let nodeID else {
            Tool.stop(process)
            throw TestBusError("video-test-source \(name) exited (status \(process.terminationStatus))")
        }
        return Source(process: process, name: name, nodeID: nodeID)
    }

    /// A started detached session with transcripts on (replies are read from the simulator).
    static func startSession(_ gateway: GatewayHarness, extra: [String] = []) async throws -> String {
        let count = 2 + extra.count / 3
        return try await gateway.startSession([String(count), "detached", "b", "true", "output_transcription", "b", "true"] + extra)
    }

    /// A session property as an unsigned number.
    static func count(_ gateway: GatewayHarness, _ path: String, _ name: String) async throws -> UInt64 {
        number(try await gateway.property(path, G.sessionInterface, name).data) ?? 0
    }

    static func string(_ gateway: GatewayHarness, _ path: String, _ name: String) async throws -> String {
        try await gateway.sessionString(path, name) ?? ""
    }

    /// The pictures the simulator received as `realtimeInput.video`, in order, on every connection.
    static func pictures(_ gateway: GatewayHarness) -> [Blob] {
        gateway.simulator.recorder.connections.flatMap(\.clientMessages).compactMap { message in
            if case .realtimeInput(let input) = message { return input.video }
            return nil
        }
    }

    /// Everything the model said (transcripts and text parts) on every connection.
    static func replies(_ gateway: GatewayHarness) -> String {
        gateway.simulator.recorder.connections.flatMap(\.serverMessages).compactMap { message -> String? in
            guard let content = message.serverContent else { return nil }
            let parts = (content.modelTurn?.parts ?? []).compactMap(\.text).joined()
            return parts + (content.outputTranscription?.text ?? "")
        }.joined()
    }

    /// Sends a user turn and returns what the model said in it.
    static func ask(_ gateway: GatewayHarness, _ path: String, _ question: String = "What do you see?") async throws -> String {
        let turn = try await count(gateway, path, "Turn")
        let before = replies(gateway)
        try await gateway.call(path, G.sessionInterface, "SendText", "s", question)
        let answered = try await eventually { try await count(gateway, path, "Turn") == turn + 1 }
        guard answered else { throw TestBusError("no reply to \"\(question)\"\n\(gateway.logs.text)") }
        return String(replies(gateway).dropFirst(before.count))
    }

    /// The width and height in a JPEG's header.
    static func jpegSize(_ data: Data) -> (Int, Int)? {
        var width: Int32 = 0
        var height: Int32 = 0
        var error: UnsafePointer<CChar>?
        let result = data.withUnsafeBytes { raw in
            vc_jpeg_size(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &width, &height, &error)
        }
        return result == 0 ? (Int(width), Int(height)) : nil
    }

    // MARK: The test portal

    /// `Tests/Fixtures/video/screencast-portal.py` on the gateway's bus, handing out `nodeID`.
    struct Portal {
        let tool: ClientTool
        let log: URL

        /// The calls it received, as JSON objects.
        var calls: [[String: Any]] {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }
        }

        /// The options of each call of `method`.
        func options(of method: String) -> [[String: Any]] {
            calls.filter { $0["method"] as? String == method }.compactMap { $0["options"] as? [String: Any] }
        }

        func methods() -> [String] { calls.compactMap { $0["method"] as? String } }

        /// Closes every portal session from the portal's side (the user stopped the cast).
        func endCasts() {
            kill(tool.pid, SIGUSR1)
        }

        func stop() async {
            _ = await tool.stop()
        }
    }

    static func startPortal(
        _ gateway: GatewayHarness, _ desktop: TestDesktop, nodeID: Int, selectResponse: Int = 0, startResponse: Int = 0
    ) async throws -> Portal {
        let log = gateway.bus.directory.appendingPathComponent("portal-\(UUID().uuidString).jsonl")
        var environment = ProcessInfo.processInfo.environment
        environment["DBUS_SESSION_BUS_ADDRESS"] = gateway.bus.address
        let tool = try ClientTool.start([
            "/usr/bin/python3", fixture("Tests/Fixtures/video/screencast-portal.py"), "--node-id", String(nodeID),
            "--pipewire", desktop.socket, "--log", log.path, "--select-response", String(selectResponse),
            "--start-response", String(startResponse),
        ], bus: gateway.bus, environment: environment)
        let ready = await eventually { tool.stdout.contains("ready") || !tool.isRunning }
        guard ready, tool.isRunning else {
            _ = await tool.stop()
            throw TestBusError("the test portal did not start: \(tool.stderr)")
        }
        return Portal(tool: tool, log: log)
    }
}
