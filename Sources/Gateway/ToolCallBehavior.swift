import LiveProtocol

extension Setup {
    /// True when a call of function `name` holds the model, and the service refuses realtime
    /// input, until it is answered: the declaration's `behavior`, else the model's default.
    ///
    /// The 3.8 Live models default to `NON_BLOCKING` (the model goes on talking while a call is
    /// pending; the extended-thinking model takes asynchronous calls only: its model page);
    /// every other model treats a function as `BLOCKING` unless it says otherwise.
    func blocksOnCall(_ name: String) -> Bool {
        let declared = tools?.lazy.compactMap(\.functionDeclarations).joined().first { $0.name == name }
        if let behavior = declared?.behavior { return behavior != .nonBlocking }
        return !Self.defaultsToNonBlocking(modelID)
    }

    /// The models whose functions are non-blocking unless declared otherwise.
    static func defaultsToNonBlocking(_ modelID: String) -> Bool {
        modelID == "gemini-3.8-live" || modelID.hasPrefix("gemini-3.8-live-")
    }
}
