import Foundation
import Testing

@testable import LiveProtocol

/// A caller's ``SessionConfiguration`` becomes the exact `setup` for an endpoint.
@Suite struct SessionConfigurationTests {
    let gemini = LiveEndpoint(credential: .apiKey(Secret("k")))

    @Test func modelsPrefixIsAddedOnce() {
        #expect(SessionConfiguration(model: "gemini-3.8-live").setup(for: gemini).model == "models/gemini-3.8-live")
        #expect(SessionConfiguration(model: "models/gemini-3.8-live").setup(for: gemini).model == "models/gemini-3.8-live")
        #expect(SessionConfiguration().setup(for: gemini).model == "models/\(LiveModel.defaultID)")
    }

    @Test func vertexPublisherPaths() {
        let vertex = LiveEndpoint(service: .vertexAI(project: "p", location: "l"), credential: .bearer(Secret("t")))
        #expect(
            SessionConfiguration(model: "gemini-live-2.5-flash-native-audio").setup(for: vertex).model
                == "projects/p/locations/l/publishers/google/models/gemini-live-2.5-flash-native-audio")
        #expect(
            SessionConfiguration(model: "models/gemini-live-2.5-flash-native-audio").setup(for: vertex).model
                == "projects/p/locations/l/publishers/google/models/gemini-live-2.5-flash-native-audio")
        let verbatim = LiveEndpoint(service: .verbatim, baseURL: "wss://gateway.example/custom/path", credential: .none)
        #expect(
            SessionConfiguration(model: "gemini-live-2.5-flash-native-audio").setup(for: verbatim).model
                == "publishers/google/models/gemini-live-2.5-flash-native-audio")
        // A full path is kept.
        let full = "projects/q/locations/us-central1/publishers/google/models/x"
        #expect(SessionConfiguration(model: full).setup(for: vertex).model == full)
        #expect(Setup(model: full).modelID == "x")
    }

    @Test func plainSystemInstructionBecomesContent() throws {
        let setup = SessionConfiguration(systemInstruction: "Be brief.").setup(for: gemini)
        #expect(setup.systemInstruction == Content(role: "user", parts: [Part(text: "Be brief.")]))
        let json = try parse(try ClientMessage.setup(setup).encoded())
        #expect(value(json, "setup", "systemInstruction") == ["role": "user", "parts": [["text": "Be brief."]]])
        #expect(SessionConfiguration().setup(for: gemini).systemInstruction == nil)
    }

    @Test func responseModalitiesAlwaysSent() throws {
        #expect(SessionConfiguration().setup(for: gemini).generationConfig?.responseModalities == [.audio])
        #expect(SessionConfiguration(responseModality: .text).setup(for: gemini).generationConfig?.responseModalities == [.text])
        let json = try parse(try ClientMessage.setup(SessionConfiguration().setup(for: gemini)).encoded())
        #expect(value(json, "setup", "generationConfig", "responseModalities") == ["AUDIO"])
    }

    @Test func defaultsTurnOnResumptionCompressionAndTranscription() throws {
        let setup = SessionConfiguration().setup(for: gemini)
        #expect(setup.sessionResumption == SessionResumptionConfig())
        #expect(setup.contextWindowCompression != nil)
        #expect(setup.inputAudioTranscription == AudioTranscriptionConfig())
        #expect(setup.outputAudioTranscription == AudioTranscriptionConfig())
        #expect(setup.realtimeInputConfig == nil)
        #expect(setup.tools == nil)
        #expect(setup.proactivity == nil)
        let json = try parse(try ClientMessage.setup(setup).encoded())
        #expect(value(json, "setup", "sessionResumption") == [:])
        #expect(value(json, "setup", "inputAudioTranscription") == [:])
        #expect(value(json, "setup", "outputAudioTranscription") == [:])
        #expect(value(json, "setup", "contextWindowCompression", "slidingWindow") == [:])
    }

    @Test func optionsCanBeTurnedOff() {
        let setup = SessionConfiguration(
            inputTranscription: false, outputTranscription: false, sessionResumption: false, contextCompression: nil
        ).setup(for: gemini)
        #expect(setup.sessionResumption == nil)
        #expect(setup.contextWindowCompression == nil)
        #expect(setup.inputAudioTranscription == nil)
        #expect(setup.outputAudioTranscription == nil)
    }

    @Test func resumptionHandleAndTransparency() {
        let resumed = SessionConfiguration(sessionResumption: false, resumeHandle: "h-1").setup(for: gemini)
        #expect(resumed.sessionResumption == SessionResumptionConfig(handle: "h-1"))
        let transparent = SessionConfiguration(transparentResumption: true).setup(for: gemini)
        #expect(transparent.sessionResumption == SessionResumptionConfig(transparent: true))
    }

    @Test func everyOptionLandsInItsField() {
        let functions = [FunctionDeclaration(name: "get_weather", parameters: ["type": "OBJECT"])]
        let configuration = SessionConfiguration(
            model: "gemini-2.5-flash-native-audio-preview-12-2025", voice: "Puck", language: "de-DE",
            functions: functions, builtInTools: [Tool(googleSearch: [:])], temperature: 0.4, maxOutputTokens: 256,
            activityDetection: AutomaticActivityDetection(disabled: true), activityHandling: .noInterruption,
            turnCoverage: .allInput, contextCompression: ContextWindowCompression(triggerTokens: 1000, slidingWindow: SlidingWindow(targetTokens: 500)),
            proactiveAudio: true, affectiveDialog: true, thinking: ThinkingConfig(thinkingBudget: 0), mediaResolution: .low)
        let setup = configuration.setup(for: gemini)
        let generation = setup.generationConfig
        #expect(generation?.speechConfig?.voiceName == "Puck")
        #expect(generation?.speechConfig?.languageCode == "de-DE")
        #expect(generation?.temperature == 0.4)
        #expect(generation?.maxOutputTokens == 256)
        #expect(generation?.thinkingConfig == ThinkingConfig(thinkingBudget: 0))
        #expect(generation?.enableAffectiveDialog == true)
        #expect(generation?.mediaResolution == .low)
        #expect(setup.tools == [Tool(functionDeclarations: functions), Tool(googleSearch: [:])])
        #expect(
            setup.realtimeInputConfig
                == RealtimeInputConfig(
                    automaticActivityDetection: AutomaticActivityDetection(disabled: true), activityHandling: .noInterruption,
                    turnCoverage: .allInput))
        #expect(configuration.automaticActivityDetection == false)
        #expect(setup.realtimeInputConfig?.automaticDetectionEnabled == false)
        #expect(setup.proactivity == Proactivity(proactiveAudio: true))
        #expect(setup.contextWindowCompression == ContextWindowCompression(triggerTokens: 1000, slidingWindow: SlidingWindow(targetTokens: 500)))
    }

    @Test func noSpeechConfigWithoutVoiceOrLanguage() {
        #expect(SessionConfiguration().setup(for: gemini).generationConfig?.speechConfig == nil)
        #expect(SessionConfiguration(language: "en-US").setup(for: gemini).generationConfig?.speechConfig?.voiceConfig == nil)
    }

    @Test func defaultSetupPassesPreflight() {
        let report = Preflight.check(SessionConfiguration(), endpoint: gemini)
        #expect(report.issues == [])
    }
}
