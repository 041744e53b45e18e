import Foundation

/// Token accounting (`UsageMetadata`); rides on the same frame as another message, usually
/// `turnComplete`. Live reports `responseTokenCount`, not `candidatesTokenCount`.
public struct UsageMetadata: Codable, Sendable, Hashable {
    public var promptTokenCount: Int?
    public var cachedContentTokenCount: Int?
    public var responseTokenCount: Int?
    public var toolUsePromptTokenCount: Int?
    public var thoughtsTokenCount: Int?
    public var totalTokenCount: Int?
    public var promptTokensDetails: [ModalityTokenCount]?
    public var cacheTokensDetails: [ModalityTokenCount]?
    public var responseTokensDetails: [ModalityTokenCount]?
    public var toolUsePromptTokensDetails: [ModalityTokenCount]?
    /// `ON_DEMAND`, `PROVISIONED_THROUGHPUT`, … (google-genai `TrafficType`; Vertex AI).
    public var trafficType: String?
    /// The tier that served the request (google-genai `UsageMetadata.service_tier`).
    public var serviceTier: String?

    public init(
        promptTokenCount: Int? = nil, responseTokenCount: Int? = nil, totalTokenCount: Int? = nil,
        promptTokensDetails: [ModalityTokenCount]? = nil, responseTokensDetails: [ModalityTokenCount]? = nil
    ) {
        self.promptTokenCount = promptTokenCount
        self.responseTokenCount = responseTokenCount
        self.totalTokenCount = totalTokenCount
        self.promptTokensDetails = promptTokensDetails
        self.responseTokensDetails = responseTokensDetails
    }

    enum CodingKeys: String, CodingKey {
        case promptTokenCount, cachedContentTokenCount, responseTokenCount, toolUsePromptTokenCount
        case thoughtsTokenCount, totalTokenCount, promptTokensDetails, cacheTokensDetails
        case responseTokensDetails, toolUsePromptTokensDetails, trafficType, serviceTier
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        promptTokenCount = try container.decodeFlexibleIntIfPresent(forKey: .promptTokenCount)
        cachedContentTokenCount = try container.decodeFlexibleIntIfPresent(forKey: .cachedContentTokenCount)
        responseTokenCount = try container.decodeFlexibleIntIfPresent(forKey: .responseTokenCount)
        toolUsePromptTokenCount = try container.decodeFlexibleIntIfPresent(forKey: .toolUsePromptTokenCount)
        thoughtsTokenCount = try container.decodeFlexibleIntIfPresent(forKey: .thoughtsTokenCount)
        totalTokenCount = try container.decodeFlexibleIntIfPresent(forKey: .totalTokenCount)
        promptTokensDetails = try container.decodeIfPresent([ModalityTokenCount].self, forKey: .promptTokensDetails)
        cacheTokensDetails = try container.decodeIfPresent([ModalityTokenCount].self, forKey: .cacheTokensDetails)
        responseTokensDetails = try container.decodeIfPresent([ModalityTokenCount].self, forKey: .responseTokensDetails)
        toolUsePromptTokensDetails = try container.decodeIfPresent(
            [ModalityTokenCount].self, forKey: .toolUsePromptTokensDetails)
        trafficType = try container.decodeIfPresent(String.self, forKey: .trafficType)
        serviceTier = try container.decodeIfPresent(String.self, forKey: .serviceTier)
    }
}

/// Tokens of one modality.
public struct ModalityTokenCount: Codable, Sendable, Hashable {
    public var modality: Modality?
    public var tokenCount: Int?

    public init(modality: Modality?, tokenCount: Int?) {
        self.modality = modality
        self.tokenCount = tokenCount
    }

    enum CodingKeys: String, CodingKey {
        case modality, tokenCount
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        modality = try container.decodeIfPresent(Modality.self, forKey: .modality)
        tokenCount = try container.decodeFlexibleIntIfPresent(forKey: .tokenCount)
    }
}
