import NIOCore
import NIOWebSocket

/// Builds `realtimeInput.audio` frames for the uplink in one buffer each, with no `Data`,
/// `String` or `ClientMessage` in between.
enum AudioFrameWriter {
    static let prefix = Array(#"{"realtimeInput":{"audio":{"mimeType":"audio/pcm;rate=16000","data":""#.utf8)
    static let suffix = Array(#""}}}"#.utf8)
    /// The largest WebSocket client header: 2 bytes, 8 of length, 4 of mask key.
    static let headroom = 14

    /// The masked text frame for `pcm`.
    static func frame(_ pcm: UnsafeRawBufferPointer, allocator: ByteBufferAllocator) -> WebSocketFrame {
        let encoded = (pcm.count + 2) / 3 * 4
        var buffer = allocator.buffer(capacity: headroom + prefix.count + encoded + suffix.count)
        buffer.moveWriterIndex(forwardBy: headroom)
        buffer.moveReaderIndex(forwardBy: headroom)
        buffer.writeBytes(prefix)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: encoded) { out in encode(pcm, into: out) }
        buffer.writeBytes(suffix)
        return WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: buffer)
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard padded base64 of `bytes` into `out`; returns the bytes written.
    static func encode(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Int {
        var o = 0
        var i = 0
        let n = bytes.count
        alphabet.withUnsafeBufferPointer { table in
            while i + 3 <= n {
                let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                out[o] = table[Int(v >> 18)]
                out[o + 1] = table[Int(v >> 12 & 63)]
                out[o + 2] = table[Int(v >> 6 & 63)]
                out[o + 3] = table[Int(v & 63)]
                i += 3
                o += 4
            }
            if n - i == 1 {
                let v = UInt32(bytes[i]) << 16
                out[o] = table[Int(v >> 18)]
                out[o + 1] = table[Int(v >> 12 & 63)]
                out[o + 2] = UInt8(ascii: "=")
                out[o + 3] = UInt8(ascii: "=")
                o += 4
            } else if n - i == 2 {
                let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
                out[o] = table[Int(v >> 18)]
                out[o + 1] = table[Int(v >> 12 & 63)]
                out[o + 2] = table[Int(v >> 6 & 63)]
                out[o + 3] = UInt8(ascii: "=")
                o += 4
            }
        }
        return o
    }
}
