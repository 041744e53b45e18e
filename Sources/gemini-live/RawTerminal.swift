import Foundation

/// The terminal in character mode for `talk`'s keys: no line buffering and no echo, with signals
/// (Ctrl-C) still delivered; the saved settings are put back by ``restore()``, which also runs on
/// every exit path of `talk`.
final class RawTerminal: @unchecked Sendable {
    // @unchecked Sendable: `saved` is written once in init and read in restore(), which `talk`
    // calls from one task at its end; no two threads touch it at once.
    private var saved: termios?

    /// Puts stdin (a terminal) into character mode; does nothing when stdin is not a terminal.
    init() {
        guard isatty(STDIN_FILENO) == 1 else { return }
        var settings = termios()
        guard tcgetattr(STDIN_FILENO, &settings) == 0 else { return }
        saved = settings
        settings.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &settings.c_cc) { bytes in
            bytes[Int(VMIN)] = 1
            bytes[Int(VTIME)] = 0
        }
        tcsetattr(STDIN_FILENO, TCSANOW, &settings)
    }

    /// Whether keys are read one by one.
    var isRaw: Bool { saved != nil }

    /// Puts the saved settings back. Idempotent.
    func restore() {
        guard var settings = saved else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, &settings)
        saved = nil
    }

    /// The bytes typed on stdin, read by a thread of their own (a blocking read); ends at end of input.
    static func keys() -> AsyncStream<UInt8> {
        let (stream, continuation) = AsyncStream.makeStream(of: UInt8.self)
        let thread = Thread {
            var byte: UInt8 = 0
            while read(STDIN_FILENO, &byte, 1) == 1 {
                continuation.yield(byte)
            }
            continuation.finish()
        }
        thread.start()
        return stream
    }

    /// SIGINT, SIGTERM and SIGHUP as a stream (their default action, ending the process, is replaced).
    static func endingSignals() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        let kept = SignalSources(sources)
        continuation.onTermination = { _ in kept.cancel() }
        return stream
    }
}

/// Keeps the signal sources alive for as long as their stream.
private final class SignalSources: @unchecked Sendable {
    // @unchecked Sendable: the array is set in init and only read by cancel(), which the stream's
    // termination calls once.
    private let sources: [any DispatchSourceSignal]
    init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
    func cancel() { sources.forEach { $0.cancel() } }
}

/// `talk`'s status line, kept on the terminal's last row below a scroll region (DECSTBM) that the
/// transcript scrolls in; on a pipe it becomes a line on stderr at each change.
final class StatusLine: @unchecked Sendable {
    // @unchecked Sendable: used only from the TalkController actor.
    private let onTerminal: Bool
    private var rows = 0
    private var columns = 80
    private var shown = ""

    init() {
        onTerminal = isatty(STDOUT_FILENO) == 1
    }

    /// Reserves the last row.
    func install() {
        guard onTerminal, let (rows, columns) = Self.size(), rows > 2 else { return }
        self.rows = rows
        self.columns = columns
        // Make room at the bottom, then limit scrolling to the rows above it (the cursor stays put).
        Terminal.write("\n\u{1B}[1A\u{1B}7\u{1B}[1;\(rows - 1)r\u{1B}8")
    }

    /// Shows `text` (once per change).
    func show(_ text: String) {
        guard text != shown else { return }
        shown = text
        guard rows > 0 else {
            Terminal.standardError("gemini-live: \(text)")
            return
        }
        Terminal.write("\u{1B}7\u{1B}[\(rows);1H\u{1B}[2K\(String(text.prefix(columns)))\u{1B}8")
    }

    /// Clears the status row and gives the whole screen back to scrolling.
    func remove() {
        guard rows > 0 else { return }
        Terminal.write("\u{1B}7\u{1B}[\(rows);1H\u{1B}[2K\u{1B}[r\u{1B}8")
        rows = 0
    }

    private static func size() -> (Int, Int)? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return nil }
        return (Int(size.ws_row), Int(max(size.ws_col, 20)))
    }
}
