import CPipeWire
import Foundation

extension GraphRegistry {
    /// The metadata keys (subject 0) that name the default devices, as JSON `{"name": "…"}`.
    static let defaultSinkKey = "default.audio.sink"
    static let defaultSourceKey = "default.audio.source"

    /// Whether nodes of `mediaClass` are bound for their full properties: playback streams (for
    /// routing) and sinks and sources (for their form factor).
    static func bindsInfo(mediaClass: String) -> Bool {
        mediaClass == playbackStreamClass || mediaClass.hasPrefix("Audio/Sink") || mediaClass.hasPrefix("Audio/Source")
            || mediaClass == "Audio/Duplex"
    }

    /// The sink or source named `name` (its `node.name`, or its `object.serial`).
    func deviceLocked(named name: String) -> AudioDevice? {
        nodes.lazy.compactMap { id, node in Self.device(id: id, properties: node.properties) }
            .first { device in
                device.name == name || self.nodes[device.nodeID]?.properties[PW_KEY_OBJECT_SERIAL] == name
            }
    }

    /// The default sink (`sink`) or source, by the session manager's `default` metadata.
    func defaultDeviceLocked(sink: Bool) -> AudioDevice? {
        guard let value = metadataValues[0]?[sink ? Self.defaultSinkKey : Self.defaultSourceKey]?.value,
              let name = Self.nameInMetadataJSON(value)
        else { return nil }
        return deviceLocked(named: name)
    }

    /// The sinks and sources in the graph, by node id.
    func devicesLocked() -> [AudioDevice] {
        nodes.compactMap { id, node in Self.device(id: id, properties: node.properties) }.sorted { $0.nodeID < $1.nodeID }
    }

    private static func device(id: UInt32, properties: [String: String]) -> AudioDevice? {
        guard let mediaClass = properties[PW_KEY_MEDIA_CLASS], let name = properties[PW_KEY_NODE_NAME],
              mediaClass.hasPrefix("Audio/Sink") || mediaClass.hasPrefix("Audio/Source") || mediaClass == "Audio/Duplex"
        else { return nil }
        let own = properties[PW_KEY_APP_NAME] == ownApplicationName || properties["app.name"] == ownApplicationName
        return AudioDevice(nodeID: id, name: name, description: properties[PW_KEY_NODE_DESCRIPTION] ?? name,
                           mediaClass: mediaClass, formFactor: properties["device.form-factor"], isOwn: own)
    }

    /// The `name` of a metadata value such as `{ "name": "alsa_output.pci-0000_00_1f.3.analog-stereo" }`.
    static func nameInMetadataJSON(_ value: String) -> String? {
        guard let key = value.range(of: "\"name\"") else { return nil }
        let rest = value[key.upperBound...].drop { $0 == " " || $0 == ":" || $0 == "\t" }
        guard rest.first == "\"" else { return nil }
        let body = rest.dropFirst()
        guard let end = body.firstIndex(of: "\"") else { return nil }
        let name = String(body[..<end])
        return name.isEmpty ? nil : name
    }
}
