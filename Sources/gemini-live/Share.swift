import ArgumentParser
import DBusService
import Foundation

/// `gemini-live share screen|window|NODE` and `gemini-live share --stop`: ShareScreen, ShareVideo, StopSharing.
struct Share: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show Gemini the screen, a window or a PipeWire video node (ShareScreen, ShareVideo), or stop (StopSharing).",
        discussion: """
            `screen` and `window` open the desktop's screen-share dialog (the ScreenCast portal); anything else is a \
            PipeWire video node by node.name or id (`pw-cli ls Node`). One frame a second by default.
            """)

    @OptionGroup var bus: BusOptions
    @OptionGroup var target: SessionOption

    @Argument(help: "screen, window, or a PipeWire video node's node.name or id.")
    var source: String?

    @Flag(name: .customLong("stop"), help: "Stop the share in progress.")
    var stop = false

    @Option(help: "continuous, on-change or snapshot.")
    var mode: String?

    @Option(help: "Frames a second (at most 1 unless --allow-fast).")
    var fps: Double?

    @Flag(name: .customLong("allow-fast"), help: "Allow more than 1 frame a second (each frame costs tokens).")
    var allowFast = false

    @Option(name: .customLong("max-size"), help: "The long side in pixels (default 768).")
    var maxSize: UInt32?

    func validate() throws {
        guard stop != (source != nil) else {
            throw ValidationError("Give what to share (screen, window or a node), or --stop, e.g. gemini-live share screen")
        }
    }

    func run() async throws {
        var options: [DBusValue: DBusValue] = [:]
        if let mode { options[.string("mode")] = .variant(.string(mode)) }
        if let fps { options[.string("fps")] = .variant(.double(fps)) }
        if allowFast { options[.string("allow_fast")] = .variant(.boolean(true)) }
        if let maxSize { options[.string("max_size")] = .variant(.uint32(maxSize)) }
        try await bus.withClient { client in
            let session = try await client.resolveSession(target.session)
            let interface = GatewayClient.sessionInterface
            switch source {
            case nil:
                _ = try await client.call(session, interface, "StopSharing", action: "StopSharing on \(session)")
            case "screen", "window":
                options[.string("source")] = .variant(.string(source == "screen" ? "monitor" : "window"))
                _ = try await client.call(
                    session, interface, "ShareScreen", [.dictionary(key: .string, value: .variant, options)],
                    action: "ShareScreen on \(session)")
            case let node?:
                _ = try await client.call(
                    session, interface, "ShareVideo", [.string(node), .dictionary(key: .string, value: .variant, options)],
                    action: "ShareVideo \(node) on \(session)")
            }
        }
    }
}

/// `gemini-live show FILE`: SendImage.
struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show Gemini a PNG or JPEG image (SendImage).")

    @OptionGroup var bus: BusOptions
    @OptionGroup var target: SessionOption

    @Argument(help: "The image file (PNG or JPEG, at most 7 MiB).")
    var file: String

    func run() async throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw ValidationError("Cannot read \(file): \(error.localizedDescription)")
        }
        try await bus.withClient { client in
            let session = try await client.resolveSession(target.session)
            _ = try await client.call(
                session, GatewayClient.sessionInterface, "SendImage",
                [.array(element: .byte, data.map(DBusValue.byte)), .string("")], action: "SendImage \(file) to \(session)")
        }
    }
}
