import DBusService

/// The `a{sv}` options of `ShareVideo` and `ShareScreen`, checked.
///
/// Every key is documented in `dbus/io.github.geminilive.Gateway1.Session.xml`; an unknown key,
/// a value of the wrong type or out of range is an `InvalidArgs` error that says what is allowed.
struct VideoOptions: Sendable, Equatable {
    /// When frames go out.
    enum Mode: String, Sendable {
        /// One frame every 1/fps seconds (the newest picture; the last one again when the
        /// source sent nothing new).
        case continuous
        /// Like continuous, but a frame goes out only when the picture changed by at least
        /// ``VideoOptions/changeThreshold`` since the last frame sent.
        case onChange = "on-change"
        /// One frame, then the share ends by itself.
        case snapshot
    }

    /// Which sources the ScreenCast dialog offers.
    enum SourceTypes: String, Sendable {
        case monitor, window, any

        /// The portal's `types` bitmask (1 monitor, 2 window).
        var mask: UInt32 {
            switch self {
            case .monitor: 1
            case .window: 2
            case .any: 3
            }
        }
    }

    /// How the cursor appears in the screen cast.
    enum Cursor: String, Sendable {
        case hidden, embedded, metadata

        /// The portal's `cursor_mode` (1 hidden, 2 embedded, 4 metadata).
        var mode: UInt32 {
            switch self {
            case .hidden: 1
            case .embedded: 2
            case .metadata: 4
            }
        }
    }

    var fps = 1.0
    var maxSize = 768
    var quality = 75
    var mode = Mode.continuous
    /// The share of the picture (0...1, a mean over a small thumbnail) that must change for
    /// on-change to send a frame.
    var changeThreshold = 0.02
    var sourceTypes = SourceTypes.monitor
    var cursor = Cursor.embedded
    /// Ask the portal for a restore token so that the next ShareScreen needs no dialog.
    var persist = true

    /// The fastest rate without `allow_fast`: the service documents 1 frame a second.
    static let maxSlowFPS = 1.0
    /// The fastest rate at all.
    static let maxFPS = 10.0

    static let commonKeys: Set<String> = ["fps", "allow_fast", "max_size", "quality", "mode", "change_threshold"]
    static let screenKeys: Set<String> = ["source", "cursor", "persist"]

    /// Parses `options`; `screen` allows the ShareScreen keys too.
    init(_ options: [String: DBusValue], screen: Bool) throws(DBusError) {
        try options.rejectUnknownKeys(screen ? Self.commonKeys.union(Self.screenKeys) : Self.commonKeys)
        let allowFast = try options.value("allow_fast", as: Bool.self) ?? false
        if let fps = try options.value("fps", as: Double.self) {
            guard fps.isFinite, fps > 0 else {
                throw .invalidArgs("Option \"fps\" must be a number above 0 (frames a second, e.g. 1 or 0.5), got \(fps)")
            }
            let limit = allowFast ? Self.maxFPS : Self.maxSlowFPS
            guard fps <= limit else {
                throw .invalidArgs(allowFast
                    ? "Option \"fps\" is at most \(Self.maxFPS), got \(fps)"
                    : "Option \"fps\" is at most 1 (the service takes about one frame a second); set \"allow_fast\" true to send up to \(Self.maxFPS), which costs tokens accordingly")
            }
            self.fps = fps
        }
        if let maxSize = try options.value("max_size", as: UInt32.self) {
            guard (16...4096).contains(maxSize) else {
                throw .invalidArgs("Option \"max_size\" is the long side in pixels, 16 to 4096 (768 recommended), got \(maxSize)")
            }
            self.maxSize = Int(maxSize)
        }
        if let quality = try options.value("quality", as: UInt32.self) {
            guard (1...100).contains(quality) else {
                throw .invalidArgs("Option \"quality\" is the JPEG quality, 1 to 100, got \(quality)")
            }
            self.quality = Int(quality)
        }
        if let mode = try options.value("mode", as: String.self) {
            guard let parsed = Mode(rawValue: mode) else {
                throw .invalidArgs("Option \"mode\" must be \"continuous\", \"on-change\" or \"snapshot\", got \"\(mode)\"")
            }
            self.mode = parsed
        }
        if let threshold = try options.value("change_threshold", as: Double.self) {
            guard threshold.isFinite, (0...1).contains(threshold) else {
                throw .invalidArgs("Option \"change_threshold\" is a share of the picture, 0 to 1 (e.g. 0.02), got \(threshold)")
            }
            changeThreshold = threshold
        }
        if let source = try options.value("source", as: String.self) {
            guard let parsed = SourceTypes(rawValue: source) else {
                throw .invalidArgs("Option \"source\" must be \"monitor\", \"window\" or \"any\", got \"\(source)\"")
            }
            sourceTypes = parsed
        }
        if let cursor = try options.value("cursor", as: String.self) {
            guard let parsed = Cursor(rawValue: cursor) else {
                throw .invalidArgs("Option \"cursor\" must be \"hidden\", \"embedded\" or \"metadata\", got \"\(cursor)\"")
            }
            self.cursor = parsed
        }
        persist = try options.value("persist", as: Bool.self) ?? true
    }

    /// The time between two frames.
    var period: Duration { .nanoseconds(Int64((1_000_000_000 / fps).rounded())) }
}
