import Foundation

/// The model asks the client to run functions (`BidiGenerateContentToolCall`); answer with a
/// ``ToolResponse``.
public struct ToolCall: Codable, Sendable, Hashable {
    public var functionCalls: [FunctionCall]

    public init(functionCalls: [FunctionCall]) {
        self.functionCalls = functionCalls
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        functionCalls = try container.decodeIfPresent([FunctionCall].self, forKey: .functionCalls) ?? []
    }
}

/// Earlier tool calls to abandon, usually after a barge-in (`BidiGenerateContentToolCallCancellation`).
public struct ToolCallCancellation: Codable, Sendable, Hashable {
    public var ids: [String]

    public init(ids: [String]) {
        self.ids = ids
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ids = try container.decodeIfPresent([String].self, forKey: .ids) ?? []
    }
}
