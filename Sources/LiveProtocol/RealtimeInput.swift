import Foundation

/// Streamed input (`BidiGenerateContentRealtimeInput`). One field per message.
public struct RealtimeInput: Codable, Sendable, Hashable {
    public var audio: Blob?
    public var video: Blob?
    public var text: String?
    /// Only with automatic activity detection disabled.
    public var activityStart: EmptyObject?
    /// Only with automatic activity detection disabled.
    public var activityEnd: EmptyObject?
    /// Only with automatic activity detection enabled: the microphone paused.
    public var audioStreamEnd: Bool?
    /// Deprecated: only the first element is used. Decoded for compatibility, never sent.
    public var mediaChunks: [Blob]?

    public init(
        audio: Blob? = nil, video: Blob? = nil, text: String? = nil, activityStart: EmptyObject? = nil,
        activityEnd: EmptyObject? = nil, audioStreamEnd: Bool? = nil, mediaChunks: [Blob]? = nil
    ) {
        self.audio = audio
        self.video = video
        self.text = text
        self.activityStart = activityStart
        self.activityEnd = activityEnd
        self.audioStreamEnd = audioStreamEnd
        self.mediaChunks = mediaChunks
    }

    /// A chunk of 16-bit mono PCM.
    public static func audio(_ blob: Blob) -> RealtimeInput { RealtimeInput(audio: blob) }

    /// The audio of this message, including the deprecated `mediaChunks` form.
    public var anyAudio: Blob? {
        if let audio { return audio }
        if let first = mediaChunks?.first, first.mimeType.lowercased().hasPrefix("audio/") { return first }
        return nil
    }
}

/// The empty JSON object `{}` that marks `activityStart`, `activityEnd` and `setupComplete`.
public struct EmptyObject: Codable, Sendable, Hashable {
    public init() {}
}
