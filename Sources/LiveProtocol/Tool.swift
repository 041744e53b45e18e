import Foundation

/// A tool the model may use (`Tool`): declared functions or a built-in tool.
///
/// The built-in tools are passed as the caller gives them. Which ones a model takes is
/// ``LiveModel/builtInTools``; the Vertex-AI-only ones (`retrieval`, `enterpriseWebSearch`,
/// `parallelAiSearch`, `exaAiSearch`) are refused on the Gemini API by preflight.
public struct Tool: Codable, Sendable, Hashable {
    public var functionDeclarations: [FunctionDeclaration]?
    public var googleSearch: JSONValue?
    public var codeExecution: JSONValue?
    public var urlContext: JSONValue?
    public var googleMaps: JSONValue?
    public var fileSearch: JSONValue?
    /// Remote MCP servers the service calls (sent on the Gemini API; google-genai `McpServer`).
    public var mcpServers: JSONValue?
    public var retrieval: JSONValue?
    public var enterpriseWebSearch: JSONValue?
    public var parallelAiSearch: JSONValue?
    public var exaAiSearch: JSONValue?

    public init(
        functionDeclarations: [FunctionDeclaration]? = nil, googleSearch: JSONValue? = nil,
        codeExecution: JSONValue? = nil, urlContext: JSONValue? = nil, googleMaps: JSONValue? = nil,
        fileSearch: JSONValue? = nil, mcpServers: JSONValue? = nil
    ) {
        self.functionDeclarations = functionDeclarations
        self.googleSearch = googleSearch
        self.codeExecution = codeExecution
        self.urlContext = urlContext
        self.googleMaps = googleMaps
        self.fileSearch = fileSearch
        self.mcpServers = mcpServers
    }

    /// The built-in tools this entry enables, by their camelCase field name.
    public var builtInNames: [String] {
        let fields: [(String, JSONValue?)] = [
            ("googleSearch", googleSearch), ("codeExecution", codeExecution), ("urlContext", urlContext),
            ("googleMaps", googleMaps), ("fileSearch", fileSearch), ("mcpServers", mcpServers),
            ("retrieval", retrieval), ("enterpriseWebSearch", enterpriseWebSearch),
            ("parallelAiSearch", parallelAiSearch), ("exaAiSearch", exaAiSearch),
        ]
        return fields.compactMap { $0.1 == nil ? nil : $0.0 }
    }

    /// Built-in tools only Vertex AI serves.
    public static let vertexOnlyTools: Set<String> = ["retrieval", "enterpriseWebSearch", "parallelAiSearch", "exaAiSearch"]
}

/// A function the model may call (`FunctionDeclaration`). `parameters` is an OpenAPI schema with
/// upper-case type names (`"OBJECT"`, `"STRING"`); `parametersJsonSchema` is plain JSON Schema.
///
/// `behavior`: `BLOCKING` (the model waits for the response, and the service refuses realtime
/// input meanwhile) or `NON_BLOCKING` (the model goes on talking; the response's `scheduling`
/// says when it speaks of the result). gemini-3.8-live defaults to `NON_BLOCKING`; the
/// extended-thinking model takes only asynchronous calls (its model page: "Async only").
public struct FunctionDeclaration: Codable, Sendable, Hashable {
    public var name: String
    public var description: String?
    public var parameters: JSONValue?
    public var parametersJsonSchema: JSONValue?
    public var response: JSONValue?
    public var behavior: FunctionBehavior?

    public init(
        name: String, description: String? = nil, parameters: JSONValue? = nil,
        parametersJsonSchema: JSONValue? = nil, behavior: FunctionBehavior? = nil
    ) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.parametersJsonSchema = parametersJsonSchema
        self.behavior = behavior
    }
}
