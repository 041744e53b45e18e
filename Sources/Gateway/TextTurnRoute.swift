import LiveProtocol

extension Setup {
    /// True when `SendText` goes out as `realtimeInput.text` instead of a `clientContent` turn.
    ///
    /// Sources conflict for `gemini-3.1-flash-live-preview`: its model page says `clientContent`
    /// is accepted all session long, while many reports (livekit/agents#5238, #5251, #5262,
    /// #5496; google/adk-python#5018, #5075; strands-agents#1999; a livekit maintainer on
    /// 2026-05-20) say it closes the session 1007 once the model has answered, taking
    /// `clientContent` only to seed history. `realtimeInput.text` is accepted as a user turn by
    /// every 3.x Live model either way, so the gateway sends text that way on 3.1: a session
    /// that works whichever source is right, at the cost of text turns going through the
    /// service's activity detection like speech does. Other models keep `clientContent`.
    var sendsTextAsRealtimeInput: Bool {
        modelID == "gemini-3.1-flash-live-preview"
    }
}
