import DBusService

/// What `gemini-live talk` shows on its status line: the session's `Activity`, `Muted`, the turn
/// latencies and reconnects, and the keys. A value built from the session's properties.
struct TalkStatus: Sendable, Equatable {
    var activity = "idle"
    var muted = false
    /// Push-to-talk: whether the user holds the floor (Space toggled it on).
    var talking = false
    var pushToTalk = false
    var response = Latency()
    var bargeIn = Latency()
    var reconnects: UInt32 = 0
    var lastReconnectCause = ""

    /// One latency property (`ResponseLatency`, `BargeInLatency`).
    struct Latency: Sendable, Equatable {
        var count: UInt32 = 0
        var last: Double?
        var p50: Double?
        var p95: Double?

        init() {}

        init(_ value: DBusValue) {
            guard case .dictionary(_, _, let entries) = value else { return }
            for (key, entry) in entries {
                guard case .string(let name) = key else { continue }
                let inner = entry.unwrappingVariant
                switch name {
                case "count": count = inner.as(UInt32.self) ?? 0
                case "last_ms": last = inner.as(Double.self)
                case "p50_ms": p50 = inner.as(Double.self)
                case "p95_ms": p95 = inner.as(Double.self)
                default: break
                }
            }
        }

        /// "812 ms (p50 790, p95 1200, n 3)", or "–" before the first.
        var text: String {
            guard let last else { return "–" }
            let p50 = self.p50.map { "\(Int($0.rounded()))" } ?? "–"
            let p95 = self.p95.map { "\(Int($0.rounded()))" } ?? "–"
            return "\(Int(last.rounded())) ms (p50 \(p50), p95 \(p95), n \(count))"
        }
    }

    /// Takes the properties of a `GetAll` or a `PropertiesChanged`.
    mutating func apply(_ properties: [String: DBusValue]) {
        for (name, value) in properties {
            let value = value.unwrappingVariant
            switch name {
            case "Activity": activity = value.as(String.self) ?? activity
            case "Muted": muted = value.as(Bool.self) ?? muted
            case "ResponseLatency": response = Latency(value)
            case "BargeInLatency": bargeIn = Latency(value)
            case "Reconnects": reconnects = value.as(UInt32.self) ?? reconnects
            case "LastReconnectCause": lastReconnectCause = value.as(String.self) ?? lastReconnectCause
            default: break
            }
        }
    }

    /// The status line.
    var line: String {
        var parts = ["[\(activity)]"]
        if pushToTalk {
            parts.append(talking ? "talking: Space sends" : "Space talks")
        } else {
            parts.append(muted ? "muted: m unmutes" : "mic on: m mutes")
        }
        parts.append("reply \(response.text)")
        parts.append("barge-in \(bargeIn.text)")
        parts.append("reconnects \(reconnects)")
        parts.append("Ctrl-C ends")
        return parts.joined(separator: " · ")
    }
}
