import CPipeWire

/// The raw pixel layouts a ``VideoCapture`` accepts, as PipeWire names them.
public enum VideoPixelFormat: String, Sendable, CaseIterable {
    case bgrx = "BGRx", bgra = "BGRA", rgbx = "RGBx", rgba = "RGBA", xrgb = "xRGB", argb = "ARGB"
    case xbgr = "xBGR", abgr = "ABGR", rgb = "RGB", bgr = "BGR", yuy2 = "YUY2", uyvy = "UYVY"
    case i420 = "I420", yv12 = "YV12", nv12 = "NV12", gray8 = "GRAY8"

    /// The format of an `spa_video_format` value, or nil for one the gateway does not convert.
    init?(spa value: UInt32) {
        let table: [spa_video_format: VideoPixelFormat] = [
            SPA_VIDEO_FORMAT_BGRx: .bgrx, SPA_VIDEO_FORMAT_BGRA: .bgra, SPA_VIDEO_FORMAT_RGBx: .rgbx,
            SPA_VIDEO_FORMAT_RGBA: .rgba, SPA_VIDEO_FORMAT_xRGB: .xrgb, SPA_VIDEO_FORMAT_ARGB: .argb,
            SPA_VIDEO_FORMAT_xBGR: .xbgr, SPA_VIDEO_FORMAT_ABGR: .abgr, SPA_VIDEO_FORMAT_RGB: .rgb,
            SPA_VIDEO_FORMAT_BGR: .bgr, SPA_VIDEO_FORMAT_YUY2: .yuy2, SPA_VIDEO_FORMAT_UYVY: .uyvy,
            SPA_VIDEO_FORMAT_I420: .i420, SPA_VIDEO_FORMAT_YV12: .yv12, SPA_VIDEO_FORMAT_NV12: .nv12,
            SPA_VIDEO_FORMAT_GRAY8: .gray8,
        ]
        guard let format = table[spa_video_format(rawValue: value)] else { return nil }
        self = format
    }
}

/// One plane of a ``VideoFrame``: where it starts in ``VideoFrame/bytes`` and its row stride.
public struct VideoPlane: Sendable, Hashable {
    /// The plane's first byte in the frame's bytes.
    public var offset: Int
    /// Bytes per row (0 when the producer did not say: the tightest stride).
    public var stride: Int
}

/// A video frame copied out of PipeWire: the planes of one buffer, back to back.
public struct VideoFrame: Sendable {
    /// The planes' bytes.
    public var bytes: [UInt8]
    public var width: Int
    public var height: Int
    public var format: VideoPixelFormat
    /// One entry per data plane of the buffer (a single one for packed formats, and for planar
    /// formats sent in one block).
    public var planes: [VideoPlane]
    /// Increases with every frame the stream delivered (frames in between were not copied).
    public var sequence: UInt64

    /// A frame in caller memory (tests, benchmarks).
    public init(bytes: [UInt8], width: Int, height: Int, format: VideoPixelFormat, planes: [VideoPlane], sequence: UInt64) {
        self.bytes = bytes
        self.width = width
        self.height = height
        self.format = format
        self.planes = planes
        self.sequence = sequence
    }
}
