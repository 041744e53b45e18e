import Foundation
import LiveProtocol
import Testing

@testable import LiveSimulator

@Suite("Building blocks")
struct UnitTests {
    @Test("the resampler keeps a tone's frequency and length")
    func resampler() {
        let input = TestAudio.tone(milliseconds: 100, frequency: 1000)
        let output = Resampler(inputRate: 16_000, outputRate: 24_000).resample(input)
        #expect(output.count == 2_400)
        let reference = TestAudio.tone(milliseconds: 100, frequency: 1000, rate: 24_000)
        #expect(TestAudio.correlation(Array(reference[100..<2_300]), Array(output[100..<2_300]), maxLag: 4) > 0.99)
    }

    @Test("the detector needs prefix padding to start and silence to end")
    func detector() {
        var detector = EnergyVAD(AutomaticActivityDetection(prefixPaddingMs: 100, silenceDurationMs: 200))
        #expect(detector.process(TestAudio.tone(milliseconds: 50)) == [])
        #expect(detector.process(TestAudio.silence(milliseconds: 50)) == [])
        let started = detector.process(TestAudio.tone(milliseconds: 300))
        #expect(started == [.speechStarted])
        #expect(detector.process(TestAudio.silence(milliseconds: 150)).isEmpty)
        let ended = detector.process(TestAudio.silence(milliseconds: 100))
        guard case .speechEnded(let utterance)? = ended.first else {
            Issue.record("no end of speech")
            return
        }
        #expect(utterance.count == 4_800)
    }

    @Test("tool-call triggers: an explicit call with JSON, a mention, and nothing")
    func trigger() {
        let functions = [FunctionDeclaration(name: "get_weather"), FunctionDeclaration(name: "turn_on")]
        let explicit = ToolCallTrigger.calls(in: #"please call get_weather {"city": "Paris", "x": {"y": "}"}} now"#, functions: functions)
        #expect(explicit.map(\.name) == ["get_weather"])
        #expect(explicit.first?.args == ["city": "Paris", "x": ["y": "}"]])
        #expect(ToolCallTrigger.calls(in: "turn_on the lights", functions: functions).map(\.args) == [[:]])
        #expect(ToolCallTrigger.calls(in: "my_get_weather_x", functions: functions).isEmpty)
    }

    @Test("the synthesized voice is speech-like: words of sound separated by gaps")
    func synthesizer() {
        let spoken = VoiceSynthesizer(voiceName: "Kore").speak("hello big world.")
        #expect(spoken.wordStarts.count == 3)
        #expect(TestAudio.rms(spoken.samples) > 0.05)
        let gap = Array(spoken.samples[(spoken.wordStarts[1] - 600)..<spoken.wordStarts[1]])
        #expect(TestAudio.rms(gap) < 0.001)
        #expect(VoiceSynthesizer(voiceName: "Puck").fundamental != VoiceSynthesizer(voiceName: "Kore").fundamental)
    }

    @Test("fault timelines fire in time order, goAway before the lifetime cap")
    func timeline() {
        let script = FaultScript(goAwayTimeLeft: .seconds(2), connectionLifetime: .seconds(10), dropAfter: .seconds(3))
        #expect(script.timeline.map(\.action) == [.drop, .goAway(timeLeft: .seconds(2)), .close(.deadlineExpired)])
        #expect(script.timeline.map(\.at) == [.seconds(3), .seconds(8), .seconds(10)])
    }

    @Test("JSON is restyled to the service's layout without touching strings")
    func jsonStyle() {
        let foundation = Data("{\n  \"a\" : {\n\n  },\n  \"b\" : [\n\n  ],\n  \"c\" : \"x : {\\\" }\"\n}".utf8)
        let styled = String(decoding: ServiceJSONStyle.restyle(foundation), as: UTF8.self)
        #expect(styled == "{\n  \"a\": {},\n  \"b\": [],\n  \"c\": \"x : {\\\" }\"\n}")
    }
}
