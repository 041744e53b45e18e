import Foundation
import Testing

@testable import Gateway

@Suite("TurnLatencyMeter, ActivityIndicator and ClosedSessionLog as values")
struct TalkValueTests {
    static let ms = 1_000_000

    @Test("response latency runs from the end of speech to the first sample heard; resumed speech restarts it")
    func responseLatency() {
        var meter = TurnLatencyMeter()
        let result1 = meter.replyHeard(at: 5 * Self.ms)
        #expect(!result1, "nothing to measure before the user spoke")
        meter.userStartedSpeaking(at: 0, overVoice: false)
        meter.userStoppedSpeaking(at: 1000 * Self.ms)
        meter.userStartedSpeaking(at: 1200 * Self.ms, overVoice: false)  // a pause, then more speech
        meter.userStoppedSpeaking(at: 2000 * Self.ms)
        let result2 = meter.replyHeard(at: 2750 * Self.ms)
        #expect(result2)
        #expect(meter.response.lastMilliseconds == 750)
        let result3 = meter.replyHeard(at: 2800 * Self.ms)
        #expect(!result3, "one latency per turn")
        meter.userStoppedSpeaking(at: 4000 * Self.ms)
        let result4 = meter.replyHeard(at: 4250 * Self.ms)
        #expect(result4)
        #expect(meter.response.count == 2)
        #expect(meter.response.lastMilliseconds == 250)
        #expect(meter.response.percentile(0.5) == 250)
        #expect(meter.response.percentile(0.95) == 750)
        meter.userStoppedSpeaking(at: 5000 * Self.ms)
        meter.replyNotHeard()
        let result5 = meter.replyHeard(at: 9000 * Self.ms)
        #expect(!result5, "an unheard reply is not stretched over the next one")
    }

    @Test("barge-in counts only replies that were cut, from the speech start to the silence")
    func bargeIn() {
        var meter = TurnLatencyMeter()
        meter.userStartedSpeaking(at: 100 * Self.ms, overVoice: true)
        let result6 = meter.voiceSilenced(at: 900 * Self.ms)
        #expect(!result6, "the reply played to its end: noise, not a barge-in")
        meter.userStartedSpeaking(at: 1000 * Self.ms, overVoice: true)
        meter.userStartedSpeaking(at: 1100 * Self.ms, overVoice: true)  // still the same barge-in
        meter.replyWasCut()
        let result7 = meter.voiceSilenced(at: 1320 * Self.ms)
        #expect(result7)
        #expect(meter.bargeIn.lastMilliseconds == 320)
        #expect(meter.bargeIn.count == 1)
        meter.replyWasCut()
        let result8 = meter.voiceSilenced(at: 2000 * Self.ms)
        #expect(!result8, "a cut without speech over the voice is not a barge-in")
        meter.userStartedSpeaking(at: 3000 * Self.ms, overVoice: false)
        meter.replyWasCut()
        let result9 = meter.voiceSilenced(at: 3100 * Self.ms)
        #expect(!result9)
    }

    @Test("the indicator: speaking wins, then listening, then thinking, else idle")
    func indicator() {
        var indicator = ActivityIndicator()
        #expect(indicator.activity == .idle)
        indicator.awaitingReply = true
        #expect(indicator.activity == .thinking)
        indicator.userSpeaking = true
        #expect(indicator.activity == .listening)
        indicator.voiceAudible = true
        #expect(indicator.activity == .speaking)
        #expect(indicator.modelAudible)
        indicator = ActivityIndicator(replyStreaming: true)
        #expect(indicator.activity == .speaking)
        #expect(ActivityIndicator.Activity.allCases.map(\.rawValue) == ["idle", "listening", "thinking", "speaking"])
    }

    @Test("the closed-session log is bounded in count and age, and says when and why")
    func closedLog() {
        var log = ClosedSessionLog(capacity: 2, retention: 60)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        log.record(path: "/s/1", at: start, reason: "by its owner :1.5 with Close().")
        log.record(path: "/s/2", at: start, reason: "when its owner :1.6 (busctl) left the bus; pass detached=true.")
        log.record(path: "/s/3", at: start, reason: "by the service.")
        #expect(log.entry(for: "/s/1", now: start) == nil, "the oldest went out")
        let entry = log.entry(for: "/s/2", now: start.addingTimeInterval(4))
        #expect(entry?.reason.contains("(busctl)") == true)
        let message = entry.map { ClosedSessionLog.message(for: $0, now: start.addingTimeInterval(4)) } ?? ""
        #expect(message.hasPrefix("The session /s/2 was closed at 2027-01-15T08:00:00Z (4 s ago) when its owner :1.6 (busctl) left the bus"), "\(message)")
        #expect(log.entry(for: "/s/2", now: start.addingTimeInterval(61)) == nil, "too old")
        #expect(log.entries.isEmpty)
        log.record(path: "/s/4", at: start, reason: "x")
        log.forget(path: "/s/4")
        #expect(log.entry(for: "/s/4", now: start) == nil)
    }

    @Test("the speech level: RMS of S16LE samples")
    func level() {
        let samples: [Int16] = [300, -300, 300, -300]
        let rms = samples.withUnsafeBytes { AudioChunkLevel.rms($0) }
        #expect(abs(rms - 300) < 0.001)
        let none: [Int16] = []
        let silent = none.withUnsafeBytes { AudioChunkLevel.rms($0) }
        #expect(silent == 0)
        #expect(rms >= SessionTalkState.speechRMS)
    }
}
