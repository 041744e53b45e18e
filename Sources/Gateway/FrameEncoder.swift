import AudioNodes
import Foundation
import VideoCodec

/// A picture scaled for sending: packed RGB, 3 bytes a pixel.
struct ScaledPicture: Sendable {
    var rgb: [UInt8]
    var width: Int
    var height: Int
}

/// Why a frame could not be turned into a JPEG.
struct FrameEncodingError: Error, Sendable, CustomStringConvertible {
    var description: String
}

/// Video frames to JPEG with libjpeg-turbo, and the small thumbnails on-change compares. Runs on
/// the caller's thread (a share's task), never on PipeWire's.
enum FrameEncoder {
    /// The long side of the thumbnails on-change compares.
    static let thumbnailSide = 32

    /// Converts `frame` to RGB, scaled by area averaging so that its long side is at most `maxSize`.
    static func scale(_ frame: VideoFrame, maxSize: Int) throws(FrameEncodingError) -> ScaledPicture {
        var width: Int32 = 0
        var height: Int32 = 0
        vc_fit(Int32(clamping: frame.width), Int32(clamping: frame.height), Int32(clamping: maxSize), &width, &height)
        let count = Int(width) * Int(height) * 3
        var result: Int32 = -1
        let rgb = frame.bytes.withUnsafeBufferPointer { source -> [UInt8] in
            [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                guard let base = source.baseAddress else { return }
                var image = vc_image()
                if frame.planes.count <= 1 {
                    let stride = Int32(clamping: frame.planes.first?.stride ?? 0)
                    guard vc_image_layout(&image, base, source.count, format(of: frame.format),
                                          Int32(clamping: frame.width), Int32(clamping: frame.height), stride) == 0
                    else { return }
                } else {
                    image.width = Int32(clamping: frame.width)
                    image.height = Int32(clamping: frame.height)
                    image.format = format(of: frame.format)
                    let planes = frame.planes.map { (pointer: base + min($0.offset, source.count), stride: Int32(clamping: $0.stride)) }
                    image.planes = (planes[0].pointer, planes[1].pointer, planes.count > 2 ? planes[2].pointer : nil)
                    image.strides = (planes[0].stride, planes[1].stride, planes.count > 2 ? planes[2].stride : 0)
                }
                result = vc_to_rgb(&image, buffer.baseAddress, width, height)
                initialized = result == 0 ? count : 0
            }
        }
        guard result == 0 else {
            throw FrameEncodingError(description:
                "a \(frame.width)x\(frame.height) \(frame.format.rawValue) frame of \(frame.bytes.count) bytes could not be converted (its buffer is smaller than its format needs)")
        }
        return ScaledPicture(rgb: rgb, width: Int(width), height: Int(height))
    }

    /// A thumbnail of `picture` (long side ``thumbnailSide``), for ``difference(_:_:)``.
    static func thumbnail(_ picture: ScaledPicture) -> [UInt8] {
        var width: Int32 = 0
        var height: Int32 = 0
        vc_fit(Int32(picture.width), Int32(picture.height), Int32(thumbnailSide), &width, &height)
        let count = Int(width) * Int(height) * 3
        return picture.rgb.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                var image = vc_image()
                guard let base = source.baseAddress,
                      vc_image_layout(&image, base, source.count, Int32(VC_FORMAT_RGB.rawValue),
                                      Int32(picture.width), Int32(picture.height), 0) == 0,
                      vc_to_rgb(&image, buffer.baseAddress, width, height) == 0
                else {
                    initialized = 0
                    return
                }
                initialized = count
            }
        }
    }

    /// How much two thumbnails differ: the mean absolute difference of their samples, 0...1
    /// (1 when their sizes differ).
    static func difference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 1 }
        var total = 0
        for index in a.indices { total += abs(Int(a[index]) - Int(b[index])) }
        return Double(total) / Double(a.count * 255)
    }

    /// `picture` as a JPEG at `quality`.
    static func jpeg(_ picture: ScaledPicture, quality: Int) throws(FrameEncodingError) -> Data {
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        var error: UnsafePointer<CChar>?
        let result = picture.rgb.withUnsafeBufferPointer {
            vc_jpeg_encode($0.baseAddress, Int32(picture.width), Int32(picture.height), Int32(quality), &output, &size, &error)
        }
        guard result == 0, let output else {
            throw FrameEncodingError(description: error.map { String(cString: $0) } ?? "JPEG encoding failed")
        }
        defer { vc_free(output) }
        return Data(bytes: output, count: size)
    }

    private static func format(of format: VideoPixelFormat) -> Int32 {
        let value: vc_pixel_format = switch format {
        case .bgrx, .bgra: VC_FORMAT_BGRX
        case .rgbx, .rgba: VC_FORMAT_RGBX
        case .xrgb, .argb: VC_FORMAT_XRGB
        case .xbgr, .abgr: VC_FORMAT_XBGR
        case .rgb: VC_FORMAT_RGB
        case .bgr: VC_FORMAT_BGR
        case .yuy2: VC_FORMAT_YUY2
        case .uyvy: VC_FORMAT_UYVY
        case .i420: VC_FORMAT_I420
        case .yv12: VC_FORMAT_YV12
        case .nv12: VC_FORMAT_NV12
        case .gray8: VC_FORMAT_GRAY
        }
        return Int32(value.rawValue)
    }
}
