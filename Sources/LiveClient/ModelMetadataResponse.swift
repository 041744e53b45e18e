/// What an endpoint's model metadata endpoint (`GET {version}/models/{model}`) answered: the HTTP
/// status and the body, as received.
public struct ModelMetadataResponse: Sendable {
    /// The URL that was asked (it never carries a credential).
    public var url: String
    /// The HTTP status code.
    public var status: Int
    /// The response body (at most ``LiveClient/modelMetadataBodyLimit`` bytes are kept).
    public var body: [UInt8]

    /// A response.
    public init(url: String, status: Int, body: [UInt8]) {
        self.url = url
        self.status = status
        self.body = body
    }
}
