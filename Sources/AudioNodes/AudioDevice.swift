/// A sink or a source in the PipeWire graph (`Audio/Sink`, `Audio/Source`, `Audio/Source/Virtual`),
/// as ``PipeWireGraph/defaultSink()``, ``PipeWireGraph/defaultSource()`` and
/// ``PipeWireGraph/device(named:)`` report it: what the echo-cancellation policy needs to know.
public struct AudioDevice: Sendable, Hashable {
    /// The node id.
    public var nodeID: UInt32
    /// `node.name`.
    public var name: String
    /// `node.description`, else the name.
    public var description: String
    /// `media.class`, e.g. `Audio/Sink`.
    public var mediaClass: String
    /// `device.form-factor` (`headset`, `headphone`, `speaker`, `internal`, `webcam`, …) when
    /// the device says.
    public var formFactor: String?
    /// Whether the node belongs to this gateway (`application.name = gemini-live-gateway`).
    public var isOwn: Bool

    /// A device with the given details.
    public init(nodeID: UInt32, name: String, description: String, mediaClass: String,
                formFactor: String? = nil, isOwn: Bool = false) {
        self.nodeID = nodeID
        self.name = name
        self.description = description
        self.mediaClass = mediaClass
        self.formFactor = formFactor
        self.isOwn = isOwn
    }

    /// Whether it is a source (something that captures), rather than a sink.
    public var isSource: Bool { mediaClass.hasPrefix("Audio/Source") }
    /// Whether it is a sink (something that plays).
    public var isSink: Bool { mediaClass.hasPrefix("Audio/Sink") || mediaClass == "Audio/Duplex" }
    /// Whether the form factor says it sits on or in the user's ears, where the microphone
    /// cannot hear it (`headset`, `headphone`, `hands-free`).
    public var isWornOnEars: Bool {
        guard let formFactor = formFactor?.lowercased() else { return false }
        return ["headset", "headphone", "headphones", "hands-free", "handsfree", "earbuds"].contains(formFactor)
    }
}
