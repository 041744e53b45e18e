/// Where a running simulator listens, and the URLs a client dials there.
public struct SimulatorAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host as configured, e.g. `127.0.0.1`.
    public var host: String
    /// The bound port (the real one when 0 was asked for).
    public var port: Int
    /// True for `wss://`.
    public var usesTLS: Bool

    /// An address.
    public init(host: String, port: Int, usesTLS: Bool) {
        self.host = host
        self.port = port
        self.usesTLS = usesTLS
    }

    /// `ws://127.0.0.1:PORT` or `wss://…`: the base URL a Live client is given.
    public var baseURL: String { "\(usesTLS ? "wss" : "ws")://\(hostInURL):\(port)" }

    /// `http://127.0.0.1:PORT` or `https://…`: the base URL of the model metadata endpoint.
    public var httpBaseURL: String { "\(usesTLS ? "https" : "http")://\(hostInURL):\(port)" }

    /// The Gemini API Live URL, e.g. `ws://127.0.0.1:PORT/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent`.
    public func liveURL(apiVersion: String = "v1beta", method: String = "BidiGenerateContent") -> String {
        "\(baseURL)/ws/google.ai.generativelanguage.\(apiVersion).GenerativeService.\(method)"
    }

    /// The Vertex AI Live URL, e.g. `…/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent`.
    public func vertexURL(apiVersion: String = "v1beta1") -> String {
        "\(baseURL)/ws/google.cloud.aiplatform.\(apiVersion).LlmBidiService/BidiGenerateContent"
    }

    /// `listening on ws://HOST:PORT`'s URL part.
    public var description: String { baseURL }

    private var hostInURL: String { host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host }
}
