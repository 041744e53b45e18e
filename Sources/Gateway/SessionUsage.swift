import LiveProtocol

/// Token counts of a session so far, summed over the service's `usageMetadata` reports.
public struct SessionUsage: Sendable, Hashable {
    public var promptTokens: UInt64 = 0
    public var responseTokens: UInt64 = 0
    public var totalTokens: UInt64 = 0
    /// Per-modality counts, keyed like `prompt_audio_tokens`.
    public var byModality: [String: UInt64] = [:]

    public init() {}

    /// Adds one report.
    public mutating func add(_ metadata: UsageMetadata) {
        promptTokens += UInt64(max(0, metadata.promptTokenCount ?? 0))
        responseTokens += UInt64(max(0, metadata.responseTokenCount ?? 0))
        totalTokens += UInt64(max(0, metadata.totalTokenCount ?? 0))
        for (prefix, details) in [("prompt", metadata.promptTokensDetails), ("response", metadata.responseTokensDetails)] {
            for detail in details ?? [] {
                guard let modality = detail.modality?.rawValue.lowercased(), let count = detail.tokenCount else { continue }
                byModality["\(prefix)_\(modality)_tokens", default: 0] += UInt64(max(0, count))
            }
        }
    }

    /// The entries of the `Usage` property.
    public var entries: [String: UInt64] {
        var entries = byModality
        entries["prompt_tokens"] = promptTokens
        entries["response_tokens"] = responseTokens
        entries["total_tokens"] = totalTokens
        return entries
    }
}
