import Foundation
import LiveProtocol
import VideoCodec

/// What the simulated model saw: the newest picture `realtimeInput.video` brought, decoded
/// (JPEG with libjpeg-turbo, PNG with zlib), so that a reply can say what it shows:
/// "I see a 768x432 image, mostly red." Tests check the pixels end to end with it.
struct Vision: Sendable {
    /// A decoded picture, reduced to what a reply says about it.
    struct Picture: Sendable, Equatable {
        var width: Int
        var height: Int
        /// The most common named colour, and the second when the first covers half or less.
        var colors: [String]
        var mimeType: String

        /// "I see a 768x432 image, mostly red."
        var sentence: String {
            "I see a \(width)x\(height) image, mostly \(colors.joined(separator: " and "))."
        }
    }

    /// Why a picture was refused.
    enum Refusal: Error, Sendable {
        case mimeType(String)
        case tooLarge(Int)
        case undecodable(String)
    }

    /// The newest picture.
    private(set) var latest: Picture?
    /// Pictures received on this connection.
    private(set) var framesSeen = 0
    /// When the first picture arrived (the start of the audio+video session limit).
    private(set) var firstFrameAt: ContinuousClock.Instant?

    /// The largest picture accepted, in bytes (the gateway's SendImage limit).
    static let maxBytes = 7 << 20
    /// The largest picture decoded, in pixels.
    static let maxPixels = 8192 * 8192
    /// The MIME types the service documents for video frames and images.
    static let mimeTypes: Set<String> = ["image/jpeg", "image/png"]

    /// Takes `blob`, which arrived at `arrival`, as the newest picture, or says why not. The
    /// session limit runs from the first picture's arrival, not from the end of its decoding.
    mutating func see(_ blob: Blob, arrival: ContinuousClock.Instant = .now) throws(Refusal) {
        let mimeType = blob.mimeType.lowercased()
        guard Self.mimeTypes.contains(mimeType) else { throw .mimeType(blob.mimeType) }
        guard blob.data.count <= Self.maxBytes else { throw .tooLarge(blob.data.count) }
        latest = try Self.decode(blob.data, mimeType: mimeType)
        framesSeen += 1
        if firstFrameAt == nil { firstFrameAt = arrival }
    }

    /// `text` with what the model sees in front of it (unchanged before any picture).
    func prefixing(_ text: String) -> String {
        guard let latest else { return text }
        return "\(latest.sentence) \(text)"
    }

    static func decode(_ data: Data, mimeType: String) throws(Refusal) -> Picture {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0
        var height: Int32 = 0
        var error: UnsafePointer<CChar>?
        let result = data.withUnsafeBytes { raw -> Int32 in
            let bytes = raw.bindMemory(to: UInt8.self)
            return mimeType == "image/png"
                ? vc_png_decode(bytes.baseAddress, bytes.count, Self.maxPixels, &pixels, &width, &height, &error)
                : vc_jpeg_decode(bytes.baseAddress, bytes.count, Self.maxPixels, &pixels, &width, &height, &error)
        }
        guard result == 0, let pixels else {
            throw .undecodable(error.map { String(cString: $0) } ?? "undecodable")
        }
        defer { vc_free(pixels) }
        let count = Int(width) * Int(height)
        let colors = dominantColors(UnsafeBufferPointer(start: pixels, count: count * 3))
        return Picture(width: Int(width), height: Int(height), colors: colors, mimeType: mimeType)
    }

    /// The palette pixels are named by (nearest, in RGB).
    static let palette: [(name: String, rgb: (Int, Int, Int))] = [
        ("black", (0, 0, 0)), ("white", (255, 255, 255)), ("gray", (128, 128, 128)), ("red", (255, 0, 0)),
        ("green", (0, 255, 0)), ("blue", (0, 0, 255)), ("yellow", (255, 255, 0)), ("cyan", (0, 255, 255)),
        ("magenta", (255, 0, 255)),
    ]

    /// The most common colour name over every pixel, and the runner-up when the first covers
    /// half of the picture or less (ties go to the name first in alphabetical order).
    static func dominantColors(_ rgb: UnsafeBufferPointer<UInt8>) -> [String] {
        var counts = [Int](repeating: 0, count: palette.count)
        var index = 0
        while index + 2 < rgb.count {
            let (r, g, b) = (Int(rgb[index]), Int(rgb[index + 1]), Int(rgb[index + 2]))
            var best = 0
            var bestDistance = Int.max
            for (slot, entry) in palette.enumerated() {
                let (pr, pg, pb) = entry.rgb
                let distance = (r - pr) * (r - pr) + (g - pg) * (g - pg) + (b - pb) * (b - pb)
                if distance < bestDistance {
                    best = slot
                    bestDistance = distance
                }
            }
            counts[best] += 1
            index += 3
        }
        let ranked = counts.indices.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : palette[$0].name < palette[$1].name }
        let total = max(counts.reduce(0, +), 1)
        let first = ranked[0]
        guard counts[first] * 2 <= total, counts[ranked[1]] > 0 else { return [palette[first].name] }
        return [palette[first].name, palette[ranked[1]].name]
    }
}
