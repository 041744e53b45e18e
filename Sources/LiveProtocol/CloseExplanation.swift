import Foundation

/// What a WebSocket close from the Live service means, in plain words, and what to do next.
///
/// The service reports every error as a close frame: a code and a reason cut to about 123 bytes
/// (protocol reference §4.2). ``explain(code:reason:context:)`` matches the reason by its
/// beginning, so a truncated reason is recognised too.
public struct CloseExplanation: Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure, for programs that react to it.
    public enum Category: String, Sendable, Hashable, CaseIterable {
        case normal
        case goingAway
        case abnormal
        case modelNotFound
        case vertexModelNotInRegion
        case sessionNotFound
        case operationNotSupported
        case operationAborted
        case invalidArgument
        case locationNotSupported
        case textOnAudioModel
        case unknownField
        case invalidSystemInstruction
        case internalError
        case deadlineExpired
        case quotaExceeded
        case overloaded
        case serviceUnavailable
        case authentication
        case protocolError
        case unknown
    }

    /// What the client was doing when the connection closed; refines the explanation.
    public struct Context: Sendable, Hashable {
        /// True while waiting for setupComplete.
        public var duringSetup: Bool
        /// The requested response modalities.
        public var responseModalities: [Modality]
        /// The model id.
        public var model: String?
        /// True when a `BLOCKING` function call was pending (unanswered) at the close.
        public var blockingCallPending: Bool

        public init(
            duringSetup: Bool, responseModalities: [Modality] = [], model: String? = nil,
            blockingCallPending: Bool = false
        ) {
            self.duringSetup = duringSetup
            self.responseModalities = responseModalities
            self.model = model
            self.blockingCallPending = blockingCallPending
        }

        /// TEXT was requested during setup from a model that may speak only (an unknown model
        /// counts; a known model that writes text does not).
        var textRequestedDuringSetup: Bool {
            guard duringSetup, responseModalities.contains(.text) else { return false }
            guard let model, let known = LiveModel.named(model) else { return true }
            return known.audioOnly
        }
    }

    /// The close code; nil when the connection ended without a close frame (reported as 1006).
    public var code: UInt16?
    /// The reason text as received.
    public var reason: String
    public var category: Category
    /// What happened.
    public var summary: String
    /// What to do next.
    public var nextStep: String
    /// True when reconnecting (with the resumption handle) may succeed.
    public var retryable: Bool

    /// One line: code, reason, explanation and next step.
    public var description: String {
        let codeText = code.map(String.init) ?? "1006"
        let reasonText = reason.isEmpty ? "" : " \"\(reason)\""
        return "\(codeText)\(reasonText): \(summary) \(nextStep)"
    }

    /// Explains a close.
    public static func explain(code: UInt16?, reason: String?, context: Context? = nil) -> CloseExplanation {
        let reason = reason ?? ""
        let text = reason.lowercased()
        func make(_ category: Category, _ summary: String, _ next: String, retryable: Bool = false) -> CloseExplanation {
            CloseExplanation(
                code: code, reason: reason, category: category, summary: summary, nextStep: next, retryable: retryable)
        }
        // "Publisher Model `projects/…/models/…` was not found": the path is long, so the cut at
        // 123 bytes often leaves only "…` was not" or less. The opening words are enough.
        if text.hasPrefix("publisher model") {
            return make(
                .vertexModelNotInRegion, "Vertex AI does not serve this model in the chosen location.",
                "Pick a location that serves it (gemini-live-2.5-flash-native-audio: us-central1, us-east5, europe-west4; not global).")
        }
        if text.contains("session not found") || text.hasPrefix("bidigeneratecontent session") {
            return make(
                .sessionNotFound, "The resumption handle is stale or unknown (handles expire 2 hours after the session ended).",
                "Start a fresh session without the handle; the earlier context is lost.")
        }
        if text.contains("is not found for api") || (text.hasPrefix("models/") && text.contains("not fo"))
            || text.contains("not_found") || (text.hasPrefix("models/") && text.contains(" is not"))
        {
            return make(
                .modelNotFound,
                "The service does not know this model for this API version, or the model does not support the Live API (retired models answer this way).",
                "Use a current Live model such as \(LiveModel.defaultID), and check ListModels for bidiGenerateContent.")
        }
        // 1008 "Operation is not implemented, or supported, or enabled." is the service's answer to
        // realtime input while a BLOCKING call is pending (livekit/agents#4545,
        // google/adk-python#4679, a forum thread of 56+ replies) and to unsupported features.
        if text.hasPrefix("operation is not implemented") {
            if context?.blockingCallPending == true {
                return make(
                    .operationNotSupported,
                    "Realtime input (audio, activityStart/activityEnd or audioStreamEnd) reached the service while a BLOCKING function call was pending; the service refuses input until the call is answered.",
                    "Answer tool calls promptly and hold realtime input until the toolResponse is sent, or declare the function NON_BLOCKING; reconnect with the resumption handle.",
                    retryable: true)
            }
            if context?.duringSetup == true {
                return make(
                    .operationNotSupported, "The model does not support something this session asked for (a tool, a feature or an option).",
                    "Remove the feature the model lacks (see the model's page), or use a model that has it.")
            }
            return make(
                .operationNotSupported,
                "The service refused an operation: most often realtime input (audio, activityStart/activityEnd, audioStreamEnd) sent while a BLOCKING function call was pending, otherwise a feature the model lacks.",
                "Hold realtime input until every pending BLOCKING call has its toolResponse (or declare functions NON_BLOCKING), and check the model's page for the features used.")
        }
        if text.hasPrefix("realtime_input.media_chunks is deprecated") {
            return make(
                .invalidArgument,
                "The service no longer takes realtimeInput.mediaChunks (closes 1007 since 2026; reported by sokuji#150, adk-python#5075, mastra#18287).",
                "Send audio as realtimeInput.audio and frames as realtimeInput.video (python-genai: send_realtime_input(audio=…), not media=…).")
        }
        if text.hasPrefix("the operation was aborted") {
            return make(
                .operationAborted, "The service aborted the operation, typically when input arrived while a tool call was pending.",
                "Answer tool calls promptly with a toolResponse; reconnect with the resumption handle.", retryable: true)
        }
        if text.hasPrefix("cannot extract voices") || text.contains("combination of response modalities") {
            return make(
                .textOnAudioModel, "The model speaks only and refuses TEXT output.",
                "Ask for [\"AUDIO\"] and set outputAudioTranscription to get the words as text.")
        }
        if text.hasPrefix("user location is not supported") {
            return make(
                .locationNotSupported, "The Gemini API is not available from this location.",
                "Use the API from a supported region, or use Vertex AI in a supported location.")
        }
        if text.hasPrefix("invalid json payload") && text.contains("unknown name") {
            return make(
                .unknownField, "The setup or a message has a field the service does not know, or a field at the wrong level.",
                "Check the named field: generation settings go in setup.generationConfig, voice activity in setup.realtimeInputConfig, and the first frame must be {\"setup\": {…}}.")
        }
        if text.hasPrefix("invalid value at") && text.contains("system_instruction") {
            return make(
                .invalidSystemInstruction, "systemInstruction was sent as a string; it must be a Content object.",
                "Send {\"systemInstruction\": {\"parts\": [{\"text\": \"…\"}]}}.")
        }
        if text.hasPrefix("request contains an invalid argument") || text.hasPrefix("invalid value at")
            || text.hasPrefix("invalid json payload")
        {
            return make(
                .invalidArgument, "The service rejected a value in the setup or a message.",
                "Run the gateway's preflight on the configuration and check each field against the protocol reference.")
        }
        if text.hasPrefix("api key not valid") || text.contains("unregistered callers") || text.contains("permission")
            || text.contains("unauthenticated")
        {
            return make(
                .authentication, "The service did not accept the credential.",
                "Check the API key (GEMINI_API_KEY or the key file); ephemeral tokens need API version v1alpha.")
        }
        if text.hasPrefix("deadline expired") || text.contains("deadline_exceeded") {
            return make(
                .deadlineExpired, "The connection reached its lifetime (about 10 minutes) and the service ended it.",
                "Reconnect with the latest resumption handle; the gateway does this on goAway.", retryable: true)
        }
        if text.contains("exceeded your current quota") || text.hasPrefix("resource has been exhausted") {
            return make(
                .quotaExceeded, "Quota, rate or concurrent-session limit reached.",
                "Wait and retry, close other sessions, or raise the quota in your plan.", retryable: true)
        }
        if text.contains("overloaded") {
            return make(
                .overloaded, "The service is overloaded.", "Retry after a short backoff.", retryable: true)
        }
        if text.hasPrefix("the service is currently unavailable") {
            return make(
                .serviceUnavailable, "The service is unavailable for this request (also seen when an ephemeral token's uses are spent).",
                "Retry with backoff; with an ephemeral token, mint a new one.", retryable: true)
        }
        // gemini-3.1-flash-live-preview answers TEXT with an immediate 1011, with or without an
        // internal-error reason: during setup that is the likelier cause.
        if code == 1011, text.isEmpty || text.hasPrefix("internal error"), let context, context.textRequestedDuringSetup {
            return make(
                .textOnAudioModel, "The service closed during setup; TEXT output was requested from a model that speaks only.",
                "Ask for [\"AUDIO\"] and set outputAudioTranscription to get the words as text.")
        }
        if text.hasPrefix("internal error") {
            return make(
                .internalError, "The service failed internally.",
                "Reconnect with the resumption handle; if it repeats right after setup, check the configuration.",
                retryable: true)
        }
        switch code {
        case nil, 1006:
            return make(
                .abnormal, "The connection dropped without a close frame (network failure or the peer vanished).",
                "Reconnect with the resumption handle; check the network if it repeats.", retryable: true)
        case 1000:
            return make(.normal, "The connection was closed normally.", "Nothing to do.")
        case 1001:
            return make(
                .goingAway, "The peer is going away (shutdown, or a keepalive timed out).",
                "Reconnect with the resumption handle.", retryable: true)
        case 1002, 1003, 1009:
            return make(
                .protocolError, "The WebSocket peer reported a protocol error or a message it cannot take.",
                "Check frame sizes and types; this is a client bug worth reporting.")
        case 1007:
            return make(
                .invalidArgument, "The service rejected the payload or an argument.",
                "Run preflight on the configuration; check each field against the protocol reference.")
        case 1008:
            return make(
                .operationNotSupported, "The service refused the request by policy (model, feature or operation not allowed).",
                "Check the model name and the features requested.")
        case 1011:
            return make(
                .internalError, "The service ended the connection with an internal error.",
                "Reconnect with the resumption handle.", retryable: true)
        default:
            return make(.unknown, "The connection closed.", "Check the code and reason.")
        }
    }
}
