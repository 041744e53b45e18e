import Foundation

/// A tool the model may use (`Tool`): declared functions or a built-in tool.
public struct Tool: Codable, Sendable, Hashable {
    public var functionDeclarations: [FunctionDeclaration]?
    public var googleSearch: JSONValue?
    public var codeExecution: JSONValue?
    public var urlContext: JSONValue?

    public init(
        functionDeclarations: [FunctionDeclaration]? = nil, googleSearch: JSONValue? = nil,
        codeExecution: JSONValue? = nil, urlContext: JSONValue? = nil
    ) {
        self.functionDeclarations = functionDeclarations
        self.googleSearch = googleSearch
        self.codeExecution = codeExecution
        self.urlContext = urlContext
    }
}

/// A function the model may call (`FunctionDeclaration`). `parameters` is an OpenAPI schema with
/// upper-case type names (`"OBJECT"`, `"STRING"`); `parametersJsonSchema` is plain JSON Schema.
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
