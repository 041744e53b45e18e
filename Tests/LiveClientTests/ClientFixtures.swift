import Foundation
import LiveClient
import LiveProtocol
import LiveSimulator
import Logging

/// The simulator and client set up for loopback tests over TLS.
enum ClientFixtures {
    static let tlsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tls").path

    static let quiet: Logger = {
        var logger = Logger(label: "live-client-tests")
        logger.logLevel = .critical
        return logger
    }()

    /// A TLS simulator on 127.0.0.1 with fast, immediate replies unless `pacing` says otherwise.
    static func simulator(
        apiKey: String? = nil, pacing: VoicePacing = .immediate, faults: FaultScript = .none
    ) -> LiveSimulator {
        LiveSimulator(
            configuration: SimulatorConfiguration(
                tls: SimulatorTLS(
                    certificateChainPath: "\(tlsDirectory)/server.pem", privateKeyPath: "\(tlsDirectory)/server.key"),
                apiKey: apiKey.map(Secret.init), faults: faults, pacing: pacing),
            logger: quiet)
    }

    /// A client configuration for `address` that trusts the fixture CA (in addition to the system's).
    static func client(
        _ address: SimulatorAddress, key: String = "test-key", setupTimeout: Duration = .seconds(10),
        keepalive: Duration? = .seconds(60), preflight: Bool = true
    ) -> LiveClientConfiguration {
        let base = address.baseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost")
        return LiveClientConfiguration(
            endpoint: LiveEndpoint(baseURL: base, credential: .apiKey(Secret(key))), setupTimeout: setupTimeout,
            keepalivePeriod: keepalive, closeTimeout: .seconds(2),
            additionalTrustRoots: ["\(tlsDirectory)/ca.pem"], preflight: preflight)
    }

    /// The setup our gateway would send for `configuration` on the Gemini API.
    static func setup(_ configuration: SessionConfiguration = SessionConfiguration()) -> Setup {
        configuration.setup(for: LiveEndpoint(credential: .none))
    }
}

/// Reads events until `stop` says so, collecting server messages; gives up after `timeout`.
struct EventCollector {
    var messages: [ServerMessage] = []
    var malformed: [MalformedFrame] = []

    mutating func read(
        _ iterator: inout LiveEventSequence.Iterator, timeout: Duration = .seconds(20),
        until stop: (ServerMessage) -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, let event = try await iterator.next() {
            switch event {
            case .malformedFrame(let frame):
                malformed.append(frame)
            case .voiceQueued:
                break
            case .message(let message):
                messages.append(message)
                if stop(message) { return }
            }
        }
    }

    var transcript: String { messages.compactMap { $0.serverContent?.outputTranscription?.text }.joined() }
    var inputTranscript: String { messages.compactMap { $0.serverContent?.inputTranscription?.text }.joined() }
    var audio: Data {
        messages.flatMap { $0.serverContent?.modelTurn?.parts ?? [] }.compactMap(\.inlineData?.data)
            .reduce(into: Data()) { $0.append($1) }
    }
}

extension ServerMessage {
    var isTurnComplete: Bool { serverContent?.turnComplete == true }
}

/// 16-bit mono PCM helpers.
enum PCM16 {
    /// A voiced-like test utterance: a 180 Hz fundamental with harmonics and a syllable envelope.
    static func utterance(milliseconds: Int, rate: Int = 16_000) -> [Int16] {
        let count = rate * milliseconds / 1000
        return (0..<count).map { index in
            let t = Double(index) / Double(rate)
            let envelope = 0.6 + 0.4 * sin(2 * .pi * 4 * t)
            let voice = sin(2 * .pi * 180 * t) + 0.5 * sin(2 * .pi * 360 * t) + 0.25 * sin(2 * .pi * 540 * t)
            return Int16(9000 * envelope * voice)
        }
    }

    static func bytes(_ samples: [Int16]) -> Data {
        samples.withUnsafeBufferPointer { Data(buffer: $0) }
    }

    static func samples(_ data: Data) -> [Int16] {
        data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
    }

    /// Linear interpolation from `from` Hz to `to` Hz.
    static func resample(_ input: [Int16], from: Int, to: Int) -> [Double] {
        let count = input.count * to / from
        return (0..<count).map { index in
            let position = Double(index) * Double(from) / Double(to)
            let left = min(Int(position), input.count - 1)
            let right = min(left + 1, input.count - 1)
            let fraction = position - Double(left)
            return Double(input[left]) * (1 - fraction) + Double(input[right]) * fraction
        }
    }

    /// The best normalized correlation of `reference` against `signal` over lags up to `maxLag`.
    static func bestCorrelation(_ reference: [Double], _ signal: [Int16], maxLag: Int) -> Double {
        var best = -1.0
        for lag in 0...maxLag {
            var dot = 0.0
            var a = 0.0
            var b = 0.0
            for index in 0..<reference.count where index + lag < signal.count {
                let x = reference[index]
                let y = Double(signal[index + lag])
                dot += x * y
                a += x * x
                b += y * y
            }
            if a > 0, b > 0 { best = max(best, dot / (a * b).squareRoot()) }
        }
        return best
    }
}
