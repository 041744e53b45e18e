import Foundation
import LiveProtocol
import LiveSimulator
import Logging
import NIOSSL

/// Shared test setup.
enum Fixtures {
    /// `Tests/Fixtures/tls`, found from this file's path.
    static let tlsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tls").path

    /// The fixture server certificate and key.
    static let serverTLS = SimulatorTLS(
        certificateChainPath: "\(tlsDirectory)/server.pem", privateKeyPath: "\(tlsDirectory)/server.key")

    /// A client TLS configuration trusting only the fixture CA.
    static func clientTLS() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file("\(tlsDirectory)/ca.pem")
        return configuration
    }

    /// A quiet logger for simulators under test.
    static let logger: Logger = {
        var logger = Logger(label: "simulator-under-test")
        logger.logLevel = .critical
        return logger
    }()

    /// A simulator with fast pacing unless told otherwise.
    static func simulator(_ configuration: SimulatorConfiguration = SimulatorConfiguration(pacing: .immediate))
        -> LiveSimulator
    {
        LiveSimulator(configuration: configuration, logger: logger)
    }
}

extension ServerMessage {
    var isTurnComplete: Bool { serverContent?.turnComplete == true }
    var isGenerationComplete: Bool { serverContent?.generationComplete == true }
    var isInterrupted: Bool { serverContent?.interrupted == true }
    var audio: Data? { serverContent?.modelTurn?.parts.compactMap(\.inlineData).first?.data }
    var transcript: String? { serverContent?.outputTranscription?.text }
}

extension [ServerMessage] {
    /// Every output-transcription fragment, joined.
    var transcript: String { compactMap(\.transcript).joined() }
    /// Every model audio chunk, joined.
    var audio: Data { compactMap(\.audio).reduce(into: Data()) { $0.append($1) } }
}
