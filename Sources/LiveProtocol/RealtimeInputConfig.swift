import Foundation

/// How realtime input is turned into turns (`RealtimeInputConfig`): voice-activity detection,
/// barge-in and turn coverage. It sits at `setup.realtimeInputConfig`, never inside a transcription
/// config.
public struct RealtimeInputConfig: Codable, Sendable, Hashable {
    public var automaticActivityDetection: AutomaticActivityDetection?
    public var activityHandling: ActivityHandling?
    public var turnCoverage: TurnCoverage?
    /// Timestamps on interim input transcripts.
    public var interimTranscriptTimestampEnabled: Bool?

    public init(
        automaticActivityDetection: AutomaticActivityDetection? = nil, activityHandling: ActivityHandling? = nil,
        turnCoverage: TurnCoverage? = nil, interimTranscriptTimestampEnabled: Bool? = nil
    ) {
        self.interimTranscriptTimestampEnabled = interimTranscriptTimestampEnabled
        self.automaticActivityDetection = automaticActivityDetection
        self.activityHandling = activityHandling
        self.turnCoverage = turnCoverage
    }

    /// True unless automatic activity detection is explicitly disabled.
    public var automaticDetectionEnabled: Bool { automaticActivityDetection?.disabled != true }
}

/// The service's voice-activity detector (`AutomaticActivityDetection`). With `disabled: true` the
/// client marks speech itself with `activityStart` / `activityEnd`.
public struct AutomaticActivityDetection: Codable, Sendable, Hashable {
    public var disabled: Bool?
    public var startOfSpeechSensitivity: StartSensitivity?
    public var endOfSpeechSensitivity: EndSensitivity?
    public var prefixPaddingMs: Int?
    public var silenceDurationMs: Int?

    public init(
        disabled: Bool? = nil, startOfSpeechSensitivity: StartSensitivity? = nil,
        endOfSpeechSensitivity: EndSensitivity? = nil, prefixPaddingMs: Int? = nil, silenceDurationMs: Int? = nil
    ) {
        self.disabled = disabled
        self.startOfSpeechSensitivity = startOfSpeechSensitivity
        self.endOfSpeechSensitivity = endOfSpeechSensitivity
        self.prefixPaddingMs = prefixPaddingMs
        self.silenceDurationMs = silenceDurationMs
    }

    enum CodingKeys: String, CodingKey {
        case disabled, startOfSpeechSensitivity, endOfSpeechSensitivity, prefixPaddingMs, silenceDurationMs
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        disabled = try container.decodeIfPresent(Bool.self, forKey: .disabled)
        startOfSpeechSensitivity = try container.decodeIfPresent(StartSensitivity.self, forKey: .startOfSpeechSensitivity)
        endOfSpeechSensitivity = try container.decodeIfPresent(EndSensitivity.self, forKey: .endOfSpeechSensitivity)
        prefixPaddingMs = try container.decodeFlexibleIntIfPresent(forKey: .prefixPaddingMs)
        silenceDurationMs = try container.decodeFlexibleIntIfPresent(forKey: .silenceDurationMs)
    }
}
