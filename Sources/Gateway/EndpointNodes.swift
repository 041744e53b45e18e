import Foundation

/// The PipeWire nodes a local Live client asks for with its `x-gemini-live-nodes` header, so
/// desktop tools can hear what an SDK client's session says. The client's own audio arrives in
/// its frames, so an endpoint session never has an input node.
public enum EndpointNodes: String, Sendable, Hashable, CaseIterable {
    /// No nodes (no header): the client plays the voice itself.
    case none
    /// The virtual microphone `gemini-live-<id>-voice` carries the model's voice.
    case voice
    /// The virtual microphone, and the voice on the default speakers too.
    case speakers

    /// The header's name.
    public static let headerName = "x-gemini-live-nodes"

    /// The value of the header (case-insensitive); nil for a value that is none of these.
    public init?(header: String?) {
        guard let header else {
            self = .none
            return
        }
        guard let nodes = Self(rawValue: header.trimmingCharacters(in: .whitespaces).lowercased()) else { return nil }
        self = nodes
    }
}
