import DBusService
import Foundation
import VideoCodec

/// An image for `SendImage`: PNG or JPEG, its type checked by its bytes, its size by the limits
/// and its data by decoding it, before anything is sent.
struct StillImage: Sendable {
    /// The image's MIME type, from its bytes.
    let mimeType: String
    let data: Data
    let width: Int
    let height: Int

    /// The largest image SendImage takes (7 MiB: under the service's request limit once base64 grows it by a third).
    static let maxBytes = 7 << 20
    /// The largest picture, in pixels on a side.
    static let maxSide = 8192

    /// Checks `bytes` against `declared` ("image/png", "image/jpeg", or "" to take the type from the bytes).
    init(_ bytes: [UInt8], declared: String) throws(DBusError) {
        guard !bytes.isEmpty else { throw .invalidArgs("SendImage needs the bytes of a PNG or JPEG image; it got none") }
        guard bytes.count <= Self.maxBytes else {
            throw .invalidArgs(
                "SendImage takes at most \(Self.maxBytes) bytes (7 MiB); this image has \(bytes.count). Scale it down (768 px on the long side is plenty) or save it as JPEG")
        }
        let detected: String
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            detected = "image/png"
        } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            detected = "image/jpeg"
        } else {
            throw .invalidArgs("SendImage takes PNG or JPEG images; these bytes are neither (they start with \(Self.hex(bytes.prefix(8))))")
        }
        let wanted = declared.lowercased().trimmingCharacters(in: .whitespaces)
        switch wanted {
        case "", detected: break
        case "image/png", "image/jpeg", "image/jpg":
            guard wanted == "image/jpg" && detected == "image/jpeg" else {
                throw .invalidArgs("The mime_type says \(declared) but the bytes are a \(detected == "image/png" ? "PNG" : "JPEG"); pass \"\(detected)\" or \"\"")
            }
        default:
            throw .invalidArgs("mime_type must be \"image/png\", \"image/jpeg\" or \"\" (taken from the bytes), got \"\(declared)\"")
        }
        // Decoded in full (then dropped): a damaged image is refused here, not by the service,
        // which would close the whole session over it.
        var width: Int32 = 0
        var height: Int32 = 0
        var pixels: UnsafeMutablePointer<UInt8>?
        var error: UnsafePointer<CChar>?
        let maxPixels = Self.maxSide * Self.maxSide
        let read = bytes.withUnsafeBufferPointer { buffer in
            detected == "image/png"
                ? vc_png_decode(buffer.baseAddress, buffer.count, maxPixels, &pixels, &width, &height, &error)
                : vc_jpeg_decode(buffer.baseAddress, buffer.count, maxPixels, &pixels, &width, &height, &error)
        }
        vc_free(pixels)
        guard read == 0 else {
            throw .invalidArgs("The image cannot be read: \(error.map { String(cString: $0) } ?? "damaged")")
        }
        guard width <= Self.maxSide, height <= Self.maxSide else {
            throw .invalidArgs("The image is \(width)x\(height); SendImage takes at most \(Self.maxSide) px on a side (768 is plenty)")
        }
        mimeType = detected
        data = Data(bytes)
        self.width = Int(width)
        self.height = Int(height)
    }

    private static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.map { String(format: "%02X", $0) }.joined(separator: " ")
    }
}
