/// An application playing audio: one playback stream (`media.class = Stream/Output/Audio`) in
/// the PipeWire graph, as ``PipeWireGraph/applications()`` lists it.
public struct AudioApplication: Sendable, Hashable {
    /// The stream's node id: what ``PipeWireGraph/route(application:toSink:sinkNodeID:)`` takes.
    public var nodeID: UInt32
    /// A name to show: `application.name`, else the process binary, else `node.name`, else
    /// "node <id>".
    public var application: String
    /// What it plays (`media.name`), e.g. a file or a track title, when the app says.
    public var mediaName: String?
    /// The stream's `node.name`.
    public var nodeName: String?
    /// The process id of the app (`application.process.id`, else the client's socket peer pid).
    public var processID: Int?
    /// The app's executable (`application.process.binary`).
    public var binary: String?

    /// An application with the given details.
    public init(nodeID: UInt32, application: String, mediaName: String? = nil, nodeName: String? = nil,
                processID: Int? = nil, binary: String? = nil) {
        self.nodeID = nodeID
        self.application = application
        self.mediaName = mediaName
        self.nodeName = nodeName
        self.processID = processID
        self.binary = binary
    }
}
