import Foundation

/// The client's answers to a ``ToolCall`` (`BidiGenerateContentToolResponse`).
public struct ToolResponse: Codable, Sendable, Hashable {
    public var functionResponses: [FunctionResponse]

    public init(functionResponses: [FunctionResponse]) {
        self.functionResponses = functionResponses
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        functionResponses = try container.decodeIfPresent([FunctionResponse].self, forKey: .functionResponses) ?? []
    }
}

/// A mid-session change of system instruction or tools (`contextUpdate`, newer models only).
public struct ContextUpdate: Codable, Sendable, Hashable {
    public var systemInstruction: Content?
    public var tools: ToolList?

    public init(systemInstruction: Content? = nil, tools: [Tool]? = nil) {
        self.systemInstruction = systemInstruction
        self.tools = tools.map(ToolList.init(tools:))
    }

    /// The `{"tools": [...]}` wrapper a context update carries.
    public struct ToolList: Codable, Sendable, Hashable {
        public var tools: [Tool]
    }
}
