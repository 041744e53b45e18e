/// Where a session's input node takes its audio from.
public enum InputSource: Sendable, Hashable {
    /// A virtual sink (`Audio/Sink`) that apps play into, or that apps are routed into: the default.
    case virtualSink
    /// The default microphone: the node is a capture stream (`Stream/Input/Audio`) that the session
    /// manager links to the default source.
    case defaultMicrophone
    /// The node with this `node.name` (or object serial): a capture stream with `target.object`
    /// set to it, which the session manager links.
    case node(String)

    /// Whether the session manager should link the node (capture streams), rather than apps
    /// linking themselves to it (the virtual sink).
    var autoconnects: Bool {
        if case .virtualSink = self { return false }
        return true
    }
}
