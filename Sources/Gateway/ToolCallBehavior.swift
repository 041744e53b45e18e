import LiveProtocol

extension Setup {
    /// True when a call of function `name` holds the model, and the service refuses realtime
    /// input, until it is answered: the declaration's `behavior`, else the model's default
    /// (``LiveModel/functionCalling``: `NON_BLOCKING` on the 3.8 Live models, asynchronous calls
    /// only on the extended-thinking one, `BLOCKING` elsewhere and for models the library does
    /// not know).
    func blocksOnCall(_ name: String) -> Bool {
        let declared = tools?.lazy.compactMap(\.functionDeclarations).joined().first { $0.name == name }
        if let behavior = declared?.behavior { return behavior != .nonBlocking }
        switch LiveModel.named(modelID)?.functionCalling {
        case .nonBlockingDefault, .asyncOnly: return false
        case .blockingDefault, .unsupported, nil: return true
        }
    }
}
