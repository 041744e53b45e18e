import Foundation
import Testing

@testable import Gateway

/// The echo check's arithmetic on made-up rooms: a known delay, gain and cancellation.
@Suite("Echo check measurement")
struct EchoMeasurementTests {
    /// 300 ms of quiet room noise, then the signal delayed by `delay` samples at `gain`, then 500 ms.
    static func room(_ signal: [Int16], delay: Int, gain: Double) -> [Int16] {
        var generator = SystemRandomNumberGenerator()
        let noise = { Int16.random(in: -3...3, using: &generator) }
        let lead = (0..<(4800 + delay)).map { _ in noise() }
        let tail = (0..<8000).map { _ in noise() }
        return lead + signal.map { Int16(Double($0) * gain) } + tail
    }

    static func measure(delay: Int, gain: Double, cancellation: Double) -> EchoMeasurement? {
        let signal = EchoMeasurement.signal(rate: 16_000)
        let raw = room(signal, delay: delay, gain: gain)
        let cancelled = raw.map { Int16(Double($0) * cancellation) }
        return EchoMeasurement.measure(sweep: signal, raw: raw, rawStart: 4800, cancelled: cancelled, cancelledStart: 4800)
    }

    @Test func aLaptopRoomWithAGoodCanceller() throws {
        let m = try #require(Self.measure(delay: 640, gain: 0.5, cancellation: 0.01))
        #expect(abs(m.delayMilliseconds - 40) <= 1, "\(m)")
        #expect(abs(m.erleDecibels - 40) < 0.5, "\(m)")
        #expect(abs(m.rawEchoDBFS - (-19.0)) < 1, "a −10 dBFS peak sweep at −6 dB: about −19 dBFS RMS, \(m)")
        #expect(!m.recommendsHeadphones)
        #expect(m.advice.contains("is fine"))
    }

    @Test func aWeakCancellerRecommendsHeadphones() throws {
        let m = try #require(Self.measure(delay: 1600, gain: 0.8, cancellation: 0.3))
        #expect(abs(m.delayMilliseconds - 100) <= 1)
        #expect(abs(m.erleDecibels - 10.5) < 0.5, "\(m)")
        #expect(m.recommendsHeadphones)
        #expect(m.advice.contains("use headphones"))
    }

    @Test func aHeadsetHasNothingToCancel() throws {
        let m = try #require(Self.measure(delay: 320, gain: 0.0003, cancellation: 1))
        #expect(!m.recommendsHeadphones)
        #expect(m.advice.contains("hardly hears the speakers"), "\(m)")
    }

    @Test func digitalSilenceAfterTheCancellerIsTheWholeEchoRemoved() throws {
        let m = try #require(Self.measure(delay: 0, gain: 0.5, cancellation: 0))
        #expect(m.cancelledDBFS == -96)
        #expect(abs(m.erleDecibels - (m.rawEchoDBFS + 96)) < 0.001)
    }

    @Test func tooShortARecordingIsNoMeasurement() {
        let signal = EchoMeasurement.signal(rate: 16_000)
        #expect(EchoMeasurement.measure(sweep: signal, raw: [0, 1, 2], rawStart: 0, cancelled: [], cancelledStart: 0) == nil)
    }
}
