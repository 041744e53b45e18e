import CPipeWire
import Foundation
import Logging
import PipeWireShim

/// PipeWire's echo canceller (`libpipewire-module-echo-cancel` with its WebRTC engine) loaded
/// into this process's own PipeWire context, so that its nodes belong to the gateway and leave
/// the graph with it (or with ``close()``).
///
/// It runs in monitor mode: its reference is the monitor of the speakers (whatever they play,
/// from this gateway or anything else), its input is the microphone, and its output is a source,
/// ``sourceName``, that carries the microphone with the speakers' sound removed. A session
/// captures that source instead of the microphone.
///
/// What is known to work with PipeWire 0.3.65: `monitor.mode = true`, `audio.rate = 48000` (16
/// and 32 kHz crashed its converter in monitor mode; the session's 16 kHz capture resamples),
/// `library.name` (not the retired `aec.method`), and the WebRTC gain control off (it upsets
/// the delay-agnostic mode). The module sets `node.latency = 480/48000` on its nodes: while it
/// runs, the whole graph runs a 10 ms quantum, so load it only while a session needs it.
public final class EchoCanceller: @unchecked Sendable {
    // @unchecked Sendable: `module` is only touched under the PipeWire loop lock
    // (PipeWireLoop.withLock); everything else is immutable.

    /// Which microphone and which speakers the canceller sits between.
    public struct Configuration: Sendable, Hashable {
        /// The microphone's `node.name` (`target.object` of the capture); nil: the default source.
        public var microphone: String?
        /// The speakers' `node.name` whose monitor is the reference; nil: the default sink.
        public var speakers: String?
        /// The WebRTC noise suppression. Off by default: in the virtual room it cost the near-end
        /// voice another 2-3 dB in double talk and the Live service copes with noise itself.
        public var noiseSuppression: Bool

        /// The default microphone and speakers, without noise suppression.
        public init(microphone: String? = nil, speakers: String? = nil, noiseSuppression: Bool = false) {
            self.microphone = microphone
            self.speakers = speakers
            self.noiseSuppression = noiseSuppression
        }
    }

    /// The module's name.
    public static let moduleName = "libpipewire-module-echo-cancel"
    /// The engine the module loads (from Debian's `libspa-0.2-modules`).
    public static let engine = "aec/libspa-aec-webrtc"

    /// The prefix of its node names, e.g. `gemini-live-echo-1`.
    public let name: String
    /// What it cancels between.
    public let configuration: Configuration
    /// The echo-cancelled microphone (`Audio/Source`): what a session captures.
    public var sourceName: String { Self.sourceName(prefix: name) }

    private let pipeWire: PipeWireLoop
    private let logger: Logger
    private var module: OpaquePointer?

    /// Loads the module. `name` is the node name prefix (`gemini-live-echo-<n>`).
    ///
    /// - Throws: ``AudioNodesError`` when PipeWire refuses the module (not installed, the
    ///   WebRTC engine missing, not connected).
    public init(pipeWire: PipeWireLoop, name: String, configuration: Configuration = .init(),
                logger: Logger = Logger(label: "AudioNodes")) throws(AudioNodesError) {
        self.pipeWire = pipeWire
        self.name = name
        self.configuration = configuration
        self.logger = logger
        module = try pipeWire.withLock { () throws(AudioNodesError) -> OpaquePointer in
            _ = try pipeWire.coreLocked()
            let arguments = Self.moduleArguments(
                prefix: name, configuration: configuration, remote: pipeWire.remoteName,
                bufferMilliseconds: Self.bufferMilliseconds(clock: pipeWire.registry.clockSettings))
            guard let module = pwshim_module_load(pipeWire.context, Self.moduleName, arguments) else {
                throw AudioNodesError("pw_context_load_module(\(Self.moduleName))", result: negativeErrno())
            }
            return module
        }
        logger.info("echo canceller loaded", metadata: [
            "source": "\(sourceName)", "microphone": "\(configuration.microphone ?? "default")",
            "speakers": "\(configuration.speakers ?? "default")",
        ])
    }

    deinit {
        close()
    }

    /// Whether the module still runs (false after ``close()``, or once it unloaded itself because
    /// its PipeWire connection was lost).
    public var isRunning: Bool {
        pipeWire.withLock { pwshim_module_alive(module) != 0 }
    }

    /// Waits until the echo-cancelled source is in the graph, so that a capture stream aimed at
    /// it is not linked to another source meanwhile. Returns false after `timeout`.
    public func waitUntilReady(timeout: Duration = .seconds(3)) async -> Bool {
        let graph = pipeWire.graph
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            try? await graph.synchronize(timeout: .seconds(1))
            if graph.device(named: sourceName) != nil { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Unloads the module: its nodes leave the graph and the quantum is free again. Idempotent.
    public func close() {
        let wasLoaded = pipeWire.withLock { () -> Bool in
            guard let module else { return false }
            pwshim_module_unload(module)
            self.module = nil
            return true
        }
        if wasLoaded { logger.info("echo canceller unloaded", metadata: ["source": "\(sourceName)"]) }
    }

    // MARK: Arguments

    /// The source's node name for the prefix.
    public static func sourceName(prefix: String) -> String { "\(prefix)-source" }

    /// The module's `buffer.max_size`, in ms, for the daemon's `clock.*` settings.
    ///
    /// PipeWire 0.3.65's module runs the canceller once both its microphone and its reference
    /// streams have a block, one block of each, from rings of `buffer.max_size` (100 ms by
    /// default). When one stream delivers before the other (at start, or when a cycle is
    /// missed), that stream's backlog stays in its ring for good: a reference 100 ms late is
    /// behind its own echo, which no canceller can remove (measured in the virtual room: 12–14 dB
    /// removed instead of 60+, and the model answering itself). PipeWire 1.5.82 processes only
    /// the newest block ("module-echo-cancel: Sync capture and sink buffers"); here the ring is
    /// kept to two graph blocks, which bounds the skew to one block. A block larger than the ring
    /// would overrun it, so the ring follows the quantum the graph can run while the canceller
    /// asks for 10 ms: `clock.force-quantum`, else 480 frames at 48 kHz held within
    /// `clock.min-quantum` and `clock.max-quantum`; never under 20 ms.
    static func bufferMilliseconds(clock: [String: String]) -> Int {
        func value(_ key: String) -> Int? { clock[key].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } }
        let rate = value("clock.rate") ?? 48_000
        let wanted = 480 * rate / 48_000
        let quantum = value("clock.force-quantum")
            ?? min(max(wanted, value("clock.min-quantum") ?? 0), value("clock.max-quantum") ?? Int.max)
        let twoBlocks = (2 * quantum * 1000 + rate - 1) / rate
        return max(20, twoBlocks)
    }

    /// The module's SPA-JSON arguments.
    /// `remote`: the daemon's socket when it is not the default (the module makes its own
    /// connection, to the same daemon as the gateway's); `bufferMilliseconds`: see
    /// ``bufferMilliseconds(clock:)``.
    static func moduleArguments(prefix: String, configuration: Configuration, remote: String? = nil,
                                bufferMilliseconds: Int = 20) -> String {
        var capture: [(String, String)] = [
            ("node.name", "\(prefix)-capture"),
            ("node.description", "Gemini Live echo canceller: microphone in"),
        ]
        if let microphone = configuration.microphone { capture.append(("target.object", microphone)) }
        var reference: [(String, String)] = [
            ("node.name", "\(prefix)-reference"),
            ("node.description", "Gemini Live echo canceller: what the speakers play"),
        ]
        if let speakers = configuration.speakers { reference.append(("target.object", speakers)) }
        let source: [(String, String)] = [
            ("node.name", sourceName(prefix: prefix)),
            ("node.description", "Gemini Live microphone (echo cancelled)"),
        ]
        let shared: [(String, String)] = [
            ("priority.session", "0"), ("priority.driver", "0"), ("node.dont-reconnect", "true"),
            ("application.name", GraphRegistry.ownApplicationName),
        ]
        let tuning: [(String, String)] = [
            ("webrtc.gain_control", "false"),
            ("webrtc.extended_filter", "true"),
            ("webrtc.delay_agnostic", "true"),
            ("webrtc.high_pass_filter", "true"),
            ("webrtc.noise_suppression", configuration.noiseSuppression ? "true" : "false"),
        ]
        let connection = remote.map { ["remote.name = \(spaString($0))"] } ?? []
        return "{ " + (connection + [
            "library.name = \(spaString(Self.engine))",
            "monitor.mode = true",
            "audio.rate = 48000",
            "audio.channels = 1",
            "audio.position = [ MONO ]",
            "buffer.max_size = \(bufferMilliseconds)",
            "aec.args = \(spaObject(tuning))",
            "capture.props = \(spaObject(capture + shared))",
            "sink.props = \(spaObject(reference + shared))",
            "source.props = \(spaObject(source + shared))",
        ]).joined(separator: " ") + " }"
    }

    private static func spaObject(_ entries: [(String, String)]) -> String {
        "{ " + entries.map { "\($0.0) = \(spaString($0.1))" }.joined(separator: " ") + " }"
    }

    /// A SPA-JSON string literal: always quoted, with `"` and `\` escaped.
    static func spaString(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return "\"\(escaped)\""
    }
}
