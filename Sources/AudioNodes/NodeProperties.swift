import CPipeWire

/// The PipeWire properties of one virtual node, as key/value pairs.
///
/// Both nodes are `node.virtual`, have `priority.session = 0` so a session manager never makes
/// them the default device when a real one exists, and set `adapter.auto-port-config` so they
/// get a mono DSP port even with no session manager running.
struct NodeProperties: Sendable {
    var entries: [(String, String)]

    /// The input node: a virtual sink apps play into, or a capture stream the session manager
    /// links to a source.
    static func input(name: String, description: String, role: String, latency: String, source: InputSource) -> Self {
        var entries = common(name: name, description: description, role: role, latency: latency)
        switch source {
        case .virtualSink:
            entries.append((PW_KEY_MEDIA_CLASS, "Audio/Sink"))
        case .defaultMicrophone:
            entries.append((PW_KEY_MEDIA_CLASS, "Stream/Input/Audio"))
        case .node(let target):
            entries.append((PW_KEY_MEDIA_CLASS, "Stream/Input/Audio"))
            entries.append(("target.object", target))
        }
        entries.append((PW_KEY_MEDIA_CATEGORY, "Capture"))
        return Self(entries: entries)
    }

    /// The virtual microphone apps record from (or the speaker stream, linked to `target` when given).
    static func microphone(name: String, description: String, role: String, mediaClass: String,
                           latency: String, target: String? = nil) -> Self {
        var entries = common(name: name, description: description, role: role, latency: latency) + [
            (PW_KEY_MEDIA_CLASS, mediaClass),
            (PW_KEY_MEDIA_CATEGORY, "Playback"),
        ]
        if let target { entries.append(("target.object", target)) }
        return Self(entries: entries)
    }

    private static func common(name: String, description: String, role: String, latency: String)
        -> [(String, String)]
    {
        [
            (PW_KEY_MEDIA_TYPE, "Audio"),
            (PW_KEY_MEDIA_ROLE, role),
            (PW_KEY_MEDIA_NAME, description),
            (PW_KEY_NODE_NAME, name),
            (PW_KEY_NODE_DESCRIPTION, description),
            (PW_KEY_NODE_VIRTUAL, "true"),
            (PW_KEY_NODE_LATENCY, latency),
            (PW_KEY_PRIORITY_SESSION, "0"),
            (PW_KEY_PRIORITY_DRIVER, "0"),
            (PW_KEY_APP_NAME, "gemini-live-gateway"),
            ("audio.position", "[ MONO ]"),
            ("adapter.auto-port-config", "{ mode = dsp monitor = false position = preserve }"),
        ]
    }

    /// A new `pw_properties` holding the entries; the stream that receives it takes ownership.
    func makePipeWireProperties() -> UnsafeMutablePointer<pw_properties>? {
        guard let properties = pw_properties_new_string("") else { return nil }
        for (key, value) in entries {
            pw_properties_set(properties, key, value)
        }
        return properties
    }
}
