import BusTestSupport
import Foundation

/// A terminal a test types into: a tmux server on its own socket with one window running a
/// command, read back with capture-pane. ``kill()`` stops that server (by its socket) and so
/// everything it runs.
struct Tmux: Sendable {
    let socket: String
    let environment: [String: String]

    /// Starts `command` (a shell command line) in a detached 120×40 window.
    static func start(_ command: String, directory: URL, environment: [String: String]) throws -> Tmux {
        let tmux = Tmux(socket: directory.appendingPathComponent("tmux-\(UUID().uuidString.prefix(8))").path, environment: environment)
        try tmux.run(["new-session", "-d", "-s", "cli", "-x", "120", "-y", "40", command])
        try tmux.run(["set-option", "-t", "cli", "remain-on-exit", "on"])
        return tmux
    }

    /// Types `keys` (tmux key names: "Space", "C-c", or literal text).
    func send(_ keys: String...) throws {
        try run(["send-keys", "-t", "cli"] + keys)
    }

    /// The screen as text, with the scrollback.
    func screen() -> String {
        (try? run(["capture-pane", "-p", "-J", "-S", "-200", "-t", "cli"])) ?? ""
    }

    /// Whether the command in the window has exited (its pane is dead).
    func exited() -> Bool {
        ((try? run(["display-message", "-p", "-t", "cli", "#{pane_dead}"])) ?? "").hasPrefix("1")
    }

    /// Stops the server and every process in it.
    func kill() {
        _ = try? run(["kill-server"])
    }

    @discardableResult
    private func run(_ arguments: [String]) throws -> String {
        try Tool.run("/usr/bin/tmux", ["-S", socket] + arguments, environment: environment)
    }
}
