import LiveProtocol

extension ConversationMachine {
    /// ``turnComplete(reason:interactionStatus:)`` for the typed status that `LiveProtocol` now
    /// decodes (`InteractionStatus`, upper-cased as the SDK reads it). Bridges the protocol
    /// helper's merge with the session: the lead may call the `String` form with `.rawValue`
    /// and delete this.
    mutating func turnComplete(reason: String, interactionStatus: InteractionStatus?) -> [Action] {
        turnComplete(reason: reason, interactionStatus: interactionStatus?.rawValue)
    }
}
