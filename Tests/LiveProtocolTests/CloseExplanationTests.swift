import Foundation
import Testing

@testable import LiveProtocol

/// Every close the service is known to send is explained, also after the reason was cut to 123
/// bytes.
@Suite struct CloseExplanationTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var code: UInt16?
        var reason: String
        var category: CloseExplanation.Category
        var retryable: Bool
        var testDescription: String { "\(code.map(String.init) ?? "nil") \(reason.prefix(50))" }
    }

    static func notFound(_ model: String, version: String = "v1beta") -> String {
        "models/\(model) is not found for API version \(version), or is not supported for bidiGenerateContent. Call ListModels"
    }

    /// The observed closes of the protocol reference, verbatim (full length; the test cuts them).
    static let rows: [Row] = [
        Row(code: 1008, reason: notFound("gemini-2.0-flash-live-001"), category: .modelNotFound, retryable: false),
        Row(code: 1008, reason: notFound("gemini-2.5-flash-native-audio-preview-12-2025", version: "v1"), category: .modelNotFound, retryable: false),
        Row(code: 1008, reason: notFound("gemini-live-2.5-flash-preview-native-audio"), category: .modelNotFound, retryable: false),
        Row(
            code: 1008,
            reason: "Request trace id: 7c1f0e9a2b3d4c5e, [ORIGINAL ERROR] generic::not_found: models/gemini-2.0-flash-exp is not found for API version v1alpha, or is not supported for bidiGenerateContent.",
            category: .modelNotFound, retryable: false),
        Row(
            code: 1008,
            reason: "Publisher Model `projects/my-project/locations/global/publishers/google/models/gemini-live-2.5-flash-native-audio` was not found",
            category: .vertexModelNotInRegion, retryable: false),
        Row(
            code: 1008,
            reason: "Publisher Model `projects/a-much-longer-project-identifier/locations/global/publishers/google/models/gemini-live-2.5-flash-native-audio` was not found",
            category: .vertexModelNotInRegion, retryable: false),
        Row(code: 1008, reason: "BidiGenerateContent session not found", category: .sessionNotFound, retryable: false),
        Row(code: 1008, reason: "Operation is not implemented, or supported, or enabled.", category: .operationNotSupported, retryable: true),
        Row(code: 1008, reason: "The operation was aborted.", category: .operationAborted, retryable: true),
        Row(code: 1007, reason: "Request contains an invalid argument.", category: .invalidArgument, retryable: false),
        Row(code: 1007, reason: "User location is not supported for the API use.", category: .locationNotSupported, retryable: false),
        Row(code: 1007, reason: "Cannot extract voices from a non-audio request.", category: .textOnAudioModel, retryable: false),
        Row(
            code: 1007, reason: #"Invalid JSON payload received. Unknown name "responseModalities" at 'setup': Cannot find field."#,
            category: .unknownField, retryable: false),
        Row(
            code: 1007,
            reason: #"Invalid JSON payload received. Unknown name "automaticActivityDetection" at 'setup.input_audio_transcription': Cannot find field."#,
            category: .unknownField, retryable: false),
        Row(
            code: 1007,
            reason: #"Invalid value at 'setup.system_instruction' (type.googleapis.com/google.ai.generativelanguage.v1alpha.Content), "You are a helpful assistant that answers briefly.""#,
            category: .invalidSystemInstruction, retryable: false),
        Row(code: 1011, reason: "Internal error encountered.", category: .internalError, retryable: true),
        Row(code: 1011, reason: "Internal error occurred.", category: .internalError, retryable: true),
        Row(code: 1011, reason: "Deadline expired before operation could complete.", category: .deadlineExpired, retryable: true),
        Row(
            code: 1011, reason: "Request trace id: 5e8a1b2c3d4f5a6b, [ORIGINAL ERROR] RPC::DEADLINE_EXCEEDED:",
            category: .deadlineExpired, retryable: true),
        Row(
            code: 1011, reason: "You exceeded your current quota, please check your plan and billing details.",
            category: .quotaExceeded, retryable: true),
        Row(code: 1011, reason: "Resource has been exhausted (e.g. check quota).", category: .quotaExceeded, retryable: true),
        Row(
            code: 1011, reason: "Request trace id: 0a1b2c3d, [ORIGINAL ERROR] OVERLOADED_TOO_MANY_RETRIES_PER_REQUEST: try again later",
            category: .overloaded, retryable: true),
        Row(code: 1011, reason: "The service is currently unavailable", category: .serviceUnavailable, retryable: true),
        Row(
            code: 1011, reason: "The requested combination of response modalities (TEXT) is not supported by the model",
            category: .textOnAudioModel, retryable: false),
        Row(
            code: 1007, reason: "The requested combination of response modalities (TEXT) is not supported by the model",
            category: .textOnAudioModel, retryable: false),
        Row(code: 1008, reason: "API key not valid. Please pass a valid API key.", category: .authentication, retryable: false),
        Row(
            code: 1008, reason: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
            category: .authentication, retryable: false),
        Row(code: 1000, reason: "", category: .normal, retryable: false),
        Row(code: 1001, reason: "", category: .goingAway, retryable: true),
        Row(code: 1006, reason: "", category: .abnormal, retryable: true),
        Row(code: nil, reason: "", category: .abnormal, retryable: true),
        Row(code: 1011, reason: "", category: .internalError, retryable: true),
        Row(code: 1007, reason: "", category: .invalidArgument, retryable: false),
        Row(code: 1008, reason: "", category: .operationNotSupported, retryable: false),
    ]

    @Test(arguments: rows)
    func knownCloses(row: Row) {
        let reason = truncatedReason(row.reason)
        #expect(reason.utf8.count <= 123)
        let explanation = CloseExplanation.explain(code: row.code, reason: reason)
        #expect(explanation.category == row.category)
        #expect(explanation.retryable == row.retryable)
        #expect(!explanation.summary.isEmpty)
        #expect(!explanation.nextStep.isEmpty)
        #expect(explanation.code == row.code)
        #expect(explanation.reason == reason)
        #expect(explanation.description.hasPrefix(row.code.map(String.init) ?? "1006"))
        #expect(explanation.description.contains(explanation.nextStep))
    }

    @Test func fullLengthReasonsToo() {
        for row in Self.rows {
            #expect(CloseExplanation.explain(code: row.code, reason: row.reason).category == row.category, "\(row.reason)")
        }
    }

    @Test func theTruncatedFormsSeenInTheWild() {
        // "…Call ListMo", "…Call Lis", "…API versi": what the 123-byte cut leaves of model names of
        // different lengths.
        let cases = [
            ("gemini-2.0-flash-exp-1", "Call ListMo"),
            ("gemini-2.0-flash-live-001", "Call Lis"),
            (String(String(repeating: "tuned-audio-model-", count: 5).dropLast()), "API versi"),
        ]
        for (model, ending) in cases {
            let reason = truncatedReason(Self.notFound(model))
            #expect(reason.hasSuffix(ending), "\(reason)")
            let explanation = CloseExplanation.explain(code: 1008, reason: reason)
            #expect(explanation.category == .modelNotFound, "\(reason)")
            #expect(explanation.nextStep.contains(LiveModel.defaultID))
            #expect(!explanation.retryable)
        }
    }

    @Test func everyCutOfTheVertexReasonIsRecognised() {
        // Whatever is left after "Publisher Model", the cut must not change the category.
        let full = "Publisher Model `projects/p/locations/global/publishers/google/models/gemini-live-2.5-flash-native-audio` was not found"
        for length in stride(from: "Publisher Model `".utf8.count, through: full.utf8.count, by: 1) {
            let reason = truncatedReason(full, limit: length)
            #expect(CloseExplanation.explain(code: 1008, reason: reason).category == .vertexModelNotInRegion, "\(reason)")
        }
    }

    @Test func modelNotFoundPointsToListModels() {
        let explanation = CloseExplanation.explain(code: 1008, reason: Self.notFound("gemini-2.0-flash-live-001"))
        #expect(explanation.nextStep.contains("ListModels"))
    }

    @Test func textOnAudioModelSuggestsAudioWithTranscription() {
        let explanation = CloseExplanation.explain(code: 1007, reason: "Cannot extract voices from a non-audio request.")
        #expect(explanation.nextStep.contains("AUDIO"))
        #expect(explanation.nextStep.contains("outputAudioTranscription"))
    }

    @Test func immediate1011AfterTextOn31() {
        let context = CloseExplanation.Context(duringSetup: true, responseModalities: [.text], model: "gemini-3.1-flash-live-preview")
        for reason in [nil, "", "Internal error encountered."] {
            let explanation = CloseExplanation.explain(code: 1011, reason: reason, context: context)
            #expect(explanation.category == .textOnAudioModel, "\(reason ?? "nil")")
            #expect(!explanation.retryable)
            #expect(explanation.nextStep.contains("outputAudioTranscription"))
        }
    }

    @Test func context1011NeedsSetupAndText() {
        let afterSetup = CloseExplanation.Context(duringSetup: false, responseModalities: [.text], model: "gemini-3.1-flash-live-preview")
        #expect(CloseExplanation.explain(code: 1011, reason: "", context: afterSetup).category == .internalError)
        let audio = CloseExplanation.Context(duringSetup: true, responseModalities: [.audio], model: "gemini-3.1-flash-live-preview")
        #expect(CloseExplanation.explain(code: 1011, reason: "", context: audio).category == .internalError)
        // A model that writes text is not refusing TEXT.
        let halfCascade = CloseExplanation.Context(duringSetup: true, responseModalities: [.text], model: "gemini-2.0-flash-live-preview-04-09")
        #expect(CloseExplanation.explain(code: 1011, reason: "", context: halfCascade).category == .internalError)
        // Quota during setup stays quota.
        let text = CloseExplanation.Context(duringSetup: true, responseModalities: [.text])
        #expect(CloseExplanation.explain(code: 1011, reason: "Resource has been exhausted (e.g. check quota).", context: text).category == .quotaExceeded)
    }

    @Test func abnormalCloseReadsAs1006() {
        let explanation = CloseExplanation.explain(code: nil, reason: nil)
        #expect(explanation.description.hasPrefix("1006:"))
        #expect(explanation.reason == "")
    }

    @Test func unknownCodes() {
        let explanation = CloseExplanation.explain(code: 4000, reason: "something else")
        #expect(explanation.category == .unknown)
        #expect(!explanation.nextStep.isEmpty)
        #expect(CloseExplanation.explain(code: 1002, reason: "").category == .protocolError)
    }
}
