import BusTestSupport
import Foundation
import Testing

/// `gemini-live show FILE`, `share NODE` and `share --stop` against the gateway on a test desktop
/// with a `video-test-source` node.
@Suite("share and show", .serialized, .timeLimit(.minutes(3)))
struct ShareTests {
    static let sessionInterface = "io.github.geminilive.Gateway1.Session"

    /// The built `video-test-source`, beside the test bundle.
    static var sourceExecutable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("video-test-source").path
    }

    /// `Tests/Fixtures/video/NAME`, found from this file's path.
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/video/\(name)").path
    }

    /// A session property, as busctl prints it without its type (`t 3` → `3`).
    static func property(_ cli: CLIHarness, _ path: String, _ name: String) async throws -> String {
        let result = try await cli.bus.busctl("get-property", "io.github.geminilive.Gateway1", path, sessionInterface, name)
        guard result.status == 0 else { throw TestBusError("get-property \(name): \(result.stderr)") }
        return String(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).drop { $0 != " " }.dropFirst())
    }

    @Test("show sends a PNG; share NODE shares a test picture until share --stop; a bad file, an unknown node and a missing source are named")
    func showAndShare() async throws {
        try await TestDesktop.run { desktop in
            let source = try desktop.start(Self.sourceExecutable, ["--name", "cli-camera", "--color", "green"])
            defer { Tool.stop(source) }
            try await waitUntil("the node cli-camera") { try desktop.nodes()["cli-camera"] != nil || !source.isRunning }
            try await CLIHarness.with(desktop: desktop) { cli in
                let started = try await cli.run("start", "--json")
                #expect(started.status == 0, "\(started.stderr)")
                let path = try #require(jsonLines(started.stdout).first?["session"] as? String)

                let shown = try await cli.run("show", Self.fixture("blue-320x240.png"))
                #expect(shown.status == 0, "\(shown.stderr)")
                #expect(try await Self.property(cli, path, "VideoFramesSent") == "1")
                let notAnImage = try await cli.run("show", #filePath)
                #expect(notAnImage.status != 0)
                #expect(notAnImage.stderr.contains("PNG or JPEG"), "\(notAnImage.stderr)")
                let missing = try await cli.run("show", "/nonexistent/picture.png")
                #expect(missing.status != 0)
                #expect(missing.stderr.contains("Cannot read /nonexistent/picture.png"), "\(missing.stderr)")

                let shared = try await cli.run("share", "cli-camera", "--mode", "continuous")
                #expect(shared.status == 0, "\(shared.stderr)")
                #expect(try await Self.property(cli, path, "VideoState") == "\"sharing\"")
                let flowing = try await eventually { UInt64(try await Self.property(cli, path, "VideoFramesSent")) ?? 0 >= 3 }
                #expect(flowing, "frames go out")
                let said = try await cli.run("say", "What do you see?")
                #expect(said.stdout.contains("mostly green"), "\(said.stdout)")
                let stopped = try await cli.run("share", "--stop")
                #expect(stopped.status == 0, "\(stopped.stderr)")
                #expect(try await Self.property(cli, path, "VideoState") == "\"idle\"")
                let nothing = try await cli.run("share", "--stop")
                #expect(nothing.status != 0)
                #expect(nothing.stderr.contains("Nothing is being shared"), "\(nothing.stderr)")

                let unknown = try await cli.run("share", "no-such-camera")
                #expect(unknown.status != 0)
                #expect(unknown.stderr.contains("no video node \"no-such-camera\""), "\(unknown.stderr)")
                #expect(unknown.stderr.contains("cli-camera (id"), "names the video nodes there are: \(unknown.stderr)")
                let neither = try await cli.run("share")
                #expect(neither.status != 0)
                #expect(neither.stderr.contains("gemini-live share screen"), "\(neither.stderr)")
            }
        }
    }
}
