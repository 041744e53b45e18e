/// A WebSocket close the simulator sends: a code and a reason text cut to 123 bytes, as the Live
/// service sends every error (protocol reference §4.2).
///
/// Provenance of each reason (the protocol reference labels):
///
/// | Reason | Code | Provenance |
/// |---|---|---|
/// | ``unknownField(_:)`` `Invalid JSON payload received. Unknown name "…" at '…': Cannot find field.` | 1007 | reported |
/// | ``invalidValue(_:)`` `Invalid value at 'setup.system_instruction' (type.googleapis.com/…Content), "…"` | 1007 | reported |
/// | ``modelNotFound(model:apiVersion:)`` `models/… is not found for API version …, or is not supported for bidiGenerateContent. …` | 1008 | reported |
/// | ``vertexModelNotFound(model:)`` ``Publisher Model `…` was not found or your project does not have access to it.`` | 1008 | reported (prefix) |
/// | ``textOnAudioModel`` `Cannot extract voices from a non-audio request.` | 1007 | reported |
/// | ``textOnLivePreview`` empty reason | 1011 | reported (gemini-3.1-flash-live-preview) |
/// | ``sessionNotFound`` `BidiGenerateContent session not found` | 1008 | reported |
/// | ``explicitActivityWithAutomaticDetection`` `Explicit activity control is not supported when automatic activity detection is enabled.` | 1007 | reported |
/// | ``deadlineExpired`` `Deadline expired before operation could complete.` | 1011 | reported |
/// | ``quotaExceeded`` `You exceeded your current quota, please check your plan and billing details.` | 1011 | reported |
/// | ``invalidAPIKey`` `API key not valid. Please pass a valid API key.` | 1007 | reported |
/// | ``missingCredential`` `Method doesn't allow unregistered callers …` | 1008 | reported |
/// | ``invalidArgument`` `Request contains an invalid argument.` | 1007 | reported text; inferred for: first frame not a setup, a second setup, an empty frame, a wrong audio MIME type or rate, odd-length PCM, a tool response with an unknown or missing id, a model change on resumption, unsupported thinking or proactivity settings, TEXT together with AUDIO |
/// | ``oneofAlreadySet(_:)`` `Invalid value (oneof), oneof field 'message_type' is already set. Cannot set '…'` | 1007 | inferred from the service's proto-JSON wording for nested oneofs |
/// | ``rootNotAMessage`` `Invalid JSON payload received. Root element must be a message.` | 1007 | inferred (the service's proto-JSON wording) |
/// | ``invalidJSON`` `Invalid JSON payload received. Unexpected token.` | 1007 | inferred |
/// | ``invalidUTF8`` `Invalid JSON payload received. Invalid UTF-8 in a text frame.` | 1007 | inferred |
/// | ``audioStreamEndWithManualActivity`` `Audio stream end is not supported when automatic activity detection is disabled.` | 1007 | inferred (mirrors the reported activity wording) |
/// | ``messageTooBig`` `Message too big.` | 1009 | inferred |
/// | ``mediaChunksDeprecated`` `realtime_input.media_chunks is deprecated. Use audio, video, or text instead.` | 1007 | reported (sokuji#150, adk-python#5075, mastra#18287, Google_GenerativeAI#108, sip-to-ai#5) |
/// | ``operationNotSupported`` `Operation is not implemented, or supported, or enabled.` | 1008 | reported for realtime input while a BLOCKING call is pending (livekit/agents#4545, adk-python#4679); inferred for a built-in tool the model lacks |
public struct CloseReason: Error, Sendable, Hashable, CustomStringConvertible {
    /// The RFC 6455 limit for a close reason: 125 bytes of control payload minus the 2-byte code.
    public static let maximumReasonBytes = 123

    /// The close code, e.g. 1007.
    public var code: UInt16
    /// The reason text, at most ``maximumReasonBytes`` UTF-8 bytes.
    public var text: String

    /// A close with `code` and `text`; the text is cut to 123 bytes on a character boundary.
    public init(code: UInt16, text: String) {
        self.code = code
        self.text = Self.truncated(text)
    }

    /// `1008 "models/x is not found…"`.
    public var description: String { "\(code) \"\(text)\"" }

    /// `text` cut to at most `maximumBytes` UTF-8 bytes without splitting a character.
    public static func truncated(_ text: String, maximumBytes: Int = maximumReasonBytes) -> String {
        guard text.utf8.count > maximumBytes else { return text }
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > maximumBytes { break }
            result.append(character)
            used += size
        }
        return result
    }

    /// 1007 for a field name the message type does not have.
    static func unknownField(_ violation: String) -> CloseReason { CloseReason(code: 1007, text: violation) }

    /// 1007 for a value of the wrong shape (e.g. a string `systemInstruction`).
    static func invalidValue(_ text: String) -> CloseReason { CloseReason(code: 1007, text: text) }

    /// 1008 for an unknown, retired or non-Live model on the Gemini API.
    static func modelNotFound(model: String, apiVersion: String) -> CloseReason {
        CloseReason(
            code: 1008,
            text:
                "\(model) is not found for API version \(apiVersion), or is not supported for bidiGenerateContent. Call ListModels to see the list of available models and their supported methods."
        )
    }

    /// 1008 for an unknown or retired model on Vertex AI.
    static func vertexModelNotFound(model: String) -> CloseReason {
        CloseReason(
            code: 1008, text: "Publisher Model `\(model)` was not found or your project does not have access to it.")
    }

    static let textOnAudioModel = CloseReason(code: 1007, text: "Cannot extract voices from a non-audio request.")
    static let textOnLivePreview = CloseReason(code: 1011, text: "")
    static let sessionNotFound = CloseReason(code: 1008, text: "BidiGenerateContent session not found")
    static let explicitActivityWithAutomaticDetection = CloseReason(
        code: 1007, text: "Explicit activity control is not supported when automatic activity detection is enabled.")
    static let audioStreamEndWithManualActivity = CloseReason(
        code: 1007, text: "Audio stream end is not supported when automatic activity detection is disabled.")
    /// 1011 at the connection-lifetime cap.
    public static let deadlineExpired = CloseReason(
        code: 1011, text: "Deadline expired before operation could complete.")
    static let quotaExceeded = CloseReason(
        code: 1011, text: "You exceeded your current quota, please check your plan and billing details.")
    static let invalidAPIKey = CloseReason(code: 1007, text: "API key not valid. Please pass a valid API key.")
    static let missingCredential = CloseReason(
        code: 1008,
        text:
            "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."
    )
    static let invalidArgument = CloseReason(code: 1007, text: "Request contains an invalid argument.")
    static let rootNotAMessage = CloseReason(
        code: 1007, text: "Invalid JSON payload received. Root element must be a message.")
    static let invalidJSON = CloseReason(code: 1007, text: "Invalid JSON payload received. Unexpected token.")
    static let invalidUTF8 = CloseReason(code: 1007, text: "Invalid JSON payload received. Invalid UTF-8 in a text frame.")
    static let messageTooBig = CloseReason(code: 1009, text: "Message too big.")
    static let mediaChunksDeprecated = CloseReason(
        code: 1007, text: "realtime_input.media_chunks is deprecated. Use audio, video, or text instead.")
    static let operationNotSupported = CloseReason(
        code: 1008, text: "Operation is not implemented, or supported, or enabled.")

    /// 1007 for a frame with two top-level messages.
    static func oneofAlreadySet(_ second: String) -> CloseReason {
        CloseReason(
            code: 1007,
            text: "Invalid value (oneof), oneof field 'message_type' is already set. Cannot set '\(second)'")
    }
}
