import Foundation

/// The JSON error body of Google APIs: `{"error": {"code", "message", "status", "details"?}}`.
enum GoogleError {
    /// A pretty-printed error body.
    static func json(code: Int, message: String, status: String, reason: String? = nil) -> Data {
        struct Body: Encodable {
            struct Detail: Encodable {
                enum CodingKeys: String, CodingKey {
                    case type = "@type"
                    case reason, domain, metadata
                }
                let type = "type.googleapis.com/google.rpc.ErrorInfo"
                let reason: String
                let domain = "googleapis.com"
                let metadata = ["service": "generativelanguage.googleapis.com"]
            }

            struct Inner: Encodable {
                let code: Int
                let message: String
                let status: String
                let details: [Detail]?
            }

            let error: Inner
        }
        let body = Body(
            error: .init(code: code, message: message, status: status, details: reason.map { [Body.Detail(reason: $0)] }))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        var data = ServiceJSONStyle.restyle((try? encoder.encode(body)) ?? Data("{}".utf8))
        data.append(UInt8(ascii: "\n"))
        return data
    }
}
