import PipeWireShim

/// Why a PipeWire operation of this module failed.
public struct AudioNodesError: Error, Sendable, CustomStringConvertible {
    /// What failed, e.g. "pw_stream_connect".
    public let operation: String
    /// The negative errno-style result PipeWire returned, or 0 when it returned no object.
    public let result: Int32
    /// Why, in words, when the module knows better than `result`'s errno text.
    public let reason: String?

    init(_ operation: String, result: Int32 = 0, reason: String? = nil) {
        self.operation = operation
        self.result = result
        self.reason = reason
    }

    public var description: String {
        if let reason { return "\(operation) failed: \(reason)" }
        guard result != 0, let text = pwshim_strerror(result) else { return "\(operation) failed" }
        return "\(operation) failed: \(String(cString: text))"
    }
}
