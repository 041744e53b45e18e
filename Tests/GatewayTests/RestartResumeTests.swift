import BusTestSupport
import Foundation
import Gateway
import LiveSimulator
import Testing

/// A daemon restart loses no detached session that can still be resumed.
@Suite("Detached sessions survive a daemon restart")
struct RestartResumeTests {
    typealias G = GatewayHarness

    @Test("the handle is kept in a 0600 file; the next daemon resumes the session at the same path with its context")
    func restart() async throws {
        let simulator = LiveSimulator(configuration: SimulatorConfiguration(pacing: .immediate))
        try await simulator.withRunning { address in
            try await TestBus.with { bus in
                let state = bus.directory.appendingPathComponent("state")
                let file = state.appendingPathComponent("gemini-live-gateway/resumable-sessions.json")
                let arguments = ["--endpoint", address.baseURL, "--no-audio"]
                let environment = ["XDG_STATE_HOME": state.path]
                let first = try await Daemon.start(arguments, bus: bus, environment: environment)
                let path = try await bus.startDetachedSession()
                try await say("Remember the word kiwi", to: path, bus)
                let saved = await eventually { (try? Data(contentsOf: file)).map { String(decoding: $0, as: UTF8.self) }?.contains("\"handle\"") == true }
                #expect(saved, "\(first.tool.stderr)")
                let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
                #expect(mode == 0o600)
                let directoryMode = try FileManager.default.attributesOfItem(atPath: file.deletingLastPathComponent().path)[.posixPermissions] as? Int
                #expect(directoryMode == 0o700)
                let handle = try #require(try await property(path, "ResumptionHandle", bus) as? String)
                #expect(!handle.isEmpty)
                #expect(String(decoding: try Data(contentsOf: file), as: UTF8.self).contains(handle))

                let stopped = await first.terminate()
                #expect(stopped?.status == 0)
                #expect(String(decoding: try Data(contentsOf: file), as: UTF8.self).contains(handle), "kept across a graceful stop")

                let second = try await Daemon.start(arguments, bus: bus, environment: environment)
                let listed = await eventually {
                    let reply = try? await bus.busctlJSON("call", G.name, G.manager, G.managerInterface, "ListSessions")
                    return "\(reply ?? "")".contains(path)
                }
                #expect(listed, "\(second.tool.stderr)")
                let active = await eventually { (try? await property(path, "State", bus)) as? String == "active" }
                #expect(active, "\(second.tool.stderr)")
                let monitor = try await bus.startMonitor(["type='signal',sender='\(G.name)',member='OutputTranscription'"])
                try await say("Hello again", to: path, bus)
                let replied = await eventually { monitor.stdout.contains("(turn") }
                let transcript = await monitor.stop().stdout
                #expect(replied)
                #expect(transcript.contains("2)"), "the resumed conversation goes on at its turn 2: \(transcript)")

                let closed = try await bus.busctl("call", G.name, path, G.sessionInterface, "Close")
                #expect(closed.status == 0)
                let forgotten = await eventually { (try? Data(contentsOf: file)).map { String(decoding: $0, as: UTF8.self) }?.contains(handle) == false }
                #expect(forgotten, "a closed session is forgotten")
                _ = await second.terminate()
            }
        }
    }

    @Test("a broken state file (not JSON, or nested 600 deep) is ignored with a warning; the daemon serves")
    func brokenStateFile() async throws {
        let simulator = LiveSimulator(configuration: SimulatorConfiguration(pacing: .immediate))
        try await simulator.withRunning { address in
            try await TestBus.with { bus in
                let state = bus.directory.appendingPathComponent("state")
                let file = state.appendingPathComponent("gemini-live-gateway/resumable-sessions.json")
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                for garbage in ["not json", String(repeating: "[", count: 600)] {
                    try Data(garbage.utf8).write(to: file)
                    let daemon = try await Daemon.start(
                        ["--endpoint", address.baseURL, "--no-audio"], bus: bus, environment: ["XDG_STATE_HOME": state.path])
                    let path = try await bus.startDetachedSession()
                    try await say("still here?", to: path, bus)
                    #expect(daemon.tool.stderr.contains("ignoring \(file.path)"), "\(daemon.tool.stderr)")
                    let stopped = await daemon.terminate()
                    #expect(stopped?.status == 0)
                }
            }
        }
    }

    private func say(_ text: String, to path: String, _ bus: TestBus) async throws {
        let turnBefore = try await property(path, "Turn", bus).flatMap(number) ?? 0
        let sent = try await bus.busctl("call", G.name, path, G.sessionInterface, "SendText", "s", text)
        guard sent.status == 0 else { throw TestBusError("SendText failed: \(sent.stderr)") }
        let done = await eventually { (try? await property(path, "Turn", bus)).flatMap { $0.flatMap(number) } == turnBefore + 1 }
        guard done else { throw TestBusError("no TurnComplete after \(text)") }
    }

    private func property(_ path: String, _ name: String, _ bus: TestBus) async throws -> Any? {
        let reply = try await bus.busctlJSON("get-property", G.name, path, G.sessionInterface, name)
        return (reply as? [String: Any])?["data"]
    }
}
