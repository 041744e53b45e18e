import Logging
import Synchronization

/// A log handler that keeps every line, so a test can search what the gateway logged.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// All lines so far, metadata included.
    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    /// A logger at `trace` level writing into this capture.
    func logger(label: String) -> Logger {
        Logger(label: label) { label in Handler(label: label, capture: self) }
    }

    fileprivate func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let label: String
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.append("\(event.level) \(label): \(event.message) \(fields) \(event.error.map { "\($0)" } ?? "")")
        }
    }
}
