import PipeWireShim

/// Why a PipeWire operation of this module failed.
public struct AudioNodesError: Error, Sendable, CustomStringConvertible {
    /// What failed, e.g. "pw_stream_connect".
    public let operation: String
    /// The negative errno-style result PipeWire returned, or 0 when it returned no object.
    public let result: Int32

    init(_ operation: String, result: Int32 = 0) {
        self.operation = operation
        self.result = result
    }

    public var description: String {
        guard result != 0, let text = pwshim_strerror(result) else { return "\(operation) failed" }
        return "\(operation) failed: \(String(cString: text))"
    }
}
