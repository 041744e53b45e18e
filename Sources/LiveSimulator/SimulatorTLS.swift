/// TLS for the simulator (`wss://`): a PEM certificate chain and its PEM private key.
public struct SimulatorTLS: Sendable, Hashable {
    /// Path of the PEM file holding the server certificate, then any intermediates.
    public var certificateChainPath: String
    /// Path of the PEM file holding the server's private key.
    public var privateKeyPath: String

    /// TLS from two PEM files.
    public init(certificateChainPath: String, privateKeyPath: String) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
    }
}
