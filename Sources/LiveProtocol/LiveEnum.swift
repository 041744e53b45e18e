import Foundation

/// A protocol enum carried as a JSON string.
///
/// Values the library does not know are kept, not rejected: the service adds enum values over time
/// and a client must not fail on them.
public protocol LiveEnum: RawRepresentable, Codable, Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
where RawValue == String {
    init(rawValue: String)
}

extension LiveEnum {
    public init(stringLiteral value: String) { self.init(rawValue: value) }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        try single.encode(rawValue)
    }

    public var description: String { rawValue }
}

/// A response or content modality (`Modality`).
public struct Modality: LiveEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }
    public static let text: Modality = "TEXT"
    public static let audio: Modality = "AUDIO"
    public static let image: Modality = "IMAGE"
    public static let video: Modality = "VIDEO"
}

/// How readily the service's voice-activity detector hears the start of speech.
public struct StartSensitivity: LiveEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let high: StartSensitivity = "START_SENSITIVITY_HIGH"
    public static let low: StartSensitivity = "START_SENSITIVITY_LOW"
}

/// How readily the service's voice-activity detector decides speech has ended.
public struct EndSensitivity: LiveEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let high: EndSensitivity = "END_SENSITIVITY_HIGH"
    public static let low: EndSensitivity = "END_SENSITIVITY_LOW"
}

/// Whether the user's speech interrupts the model (barge-in).
public struct ActivityHandling: LiveEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let startOfActivityInterrupts: ActivityHandling = "START_OF_ACTIVITY_INTERRUPTS"
    public static let noInterruption: ActivityHandling = "NO_INTERRUPTION"
}

/// Which input a user turn includes.
public struct TurnCoverage: LiveEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let onlyActivity: TurnCoverage = "TURN_INCLUDES_ONLY_ACTIVITY"
    public static let allInput: TurnCoverage = "TURN_INCLUDES_ALL_INPUT"
    public static let audioActivityAndAllVideo: TurnCoverage = "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO"
}

/// Resolution of video and image input.
public struct MediaResolution: LiveEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let low: MediaResolution = "MEDIA_RESOLUTION_LOW"
    public static let medium: MediaResolution = "MEDIA_RESOLUTION_MEDIUM"
    public static let high: MediaResolution = "MEDIA_RESOLUTION_HIGH"
}

/// Whether the model waits for a function's response (`BLOCKING`) or carries on (`NON_BLOCKING`).
public struct FunctionBehavior: LiveEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let blocking: FunctionBehavior = "BLOCKING"
    public static let nonBlocking: FunctionBehavior = "NON_BLOCKING"
}

/// When the model should act on a non-blocking function's response (the SDK spells the third
/// `INTERRUPT`; the 3.8 Live model page's "INTERRUPTED" is a typo the service does not use).
public struct FunctionResponseScheduling: LiveEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let silent: FunctionResponseScheduling = "SILENT"
    public static let whenIdle: FunctionResponseScheduling = "WHEN_IDLE"
    public static let interrupt: FunctionResponseScheduling = "INTERRUPT"
}

/// Why the model ended its turn, when the service says.
public struct TurnCompleteReason: LiveEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let needMoreInput: TurnCompleteReason = "NEED_MORE_INPUT"
    public static let malformedFunctionCall: TurnCompleteReason = "MALFORMED_FUNCTION_CALL"
    public static let responseRejected: TurnCompleteReason = "RESPONSE_REJECTED"
}

/// A thinking effort level for 3.x models (google-genai `ThinkingLevel`: `MINIMAL`, `LOW`,
/// `MEDIUM`, `HIGH`, `XHIGH`).
public struct ThinkingLevel: LiveEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }
    public static let minimal: ThinkingLevel = "MINIMAL"
    public static let low: ThinkingLevel = "LOW"
    public static let medium: ThinkingLevel = "MEDIUM"
    public static let high: ThinkingLevel = "HIGH"
    public static let xhigh: ThinkingLevel = "XHIGH"

    /// The levels the SDK names, lowest effort first.
    public static let all: [ThinkingLevel] = [.minimal, .low, .medium, .high, .xhigh]
}

/// Where the request a model turn belongs to stands (`serverContent.interactionStatus`, google-genai
/// `InteractionStatus`). Always sent alongside `turnComplete` by models that may speak several
/// times per request (gemini-3.8-live-extended-thinking): `IN_PROGRESS` after a filler utterance,
/// `IDLE` when the request is done. `REQUIRES_ACTION` is the deprecated spelling of `IDLE`.
public struct InteractionStatus: LiveEnum {
    public let rawValue: String
    /// Upper-cased, as the SDK's case-insensitive enum reads it.
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }
    public static let unspecified: InteractionStatus = "INTERACTION_STATUS_UNSPECIFIED"
    public static let inProgress: InteractionStatus = "IN_PROGRESS"
    public static let idle: InteractionStatus = "IDLE"
    /// Deprecated by the SDK ("use IDLE"); read as ``idle``.
    public static let requiresAction: InteractionStatus = "REQUIRES_ACTION"

    /// True for `IDLE` and its deprecated spelling `REQUIRES_ACTION` (the SDK's enum doc: "Deprecated:
    /// Use IDLE instead"): the request is complete.
    public var isIdle: Bool { self == .idle || self == .requiresAction }
}

/// The service's voice-activity signal (`voiceActivityDetectionSignal.vadSignalType`;
/// allowlisted projects only): start or end of speech.
public struct VADSignalType: LiveEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let startOfSpeech: VADSignalType = "VAD_SIGNAL_TYPE_SOS"
    public static let endOfSpeech: VADSignalType = "VAD_SIGNAL_TYPE_EOS"
}
