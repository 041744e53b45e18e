import Foundation

/// Minimal RIFF/WAVE reading and writing for 16-bit mono PCM.
enum WAVFile {
    struct FormatError: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads a 16 kHz mono 16-bit WAV file's samples.
    static func readPCM16kMono(_ path: String) throws -> Data {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let bytes = [UInt8](data)
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            throw FormatError(description: "\(path) is not a WAV file.")
        }
        var offset = 12
        var format: (channels: Int, rate: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = Int(littleEndian32(bytes, offset + 4))
            let body = offset + 8
            guard body + size <= bytes.count || id == "data" else { break }
            if id == "fmt ", size >= 16 {
                format = (
                    Int(littleEndian16(bytes, body + 2)), Int(littleEndian32(bytes, body + 4)),
                    Int(littleEndian16(bytes, body + 14))
                )
            } else if id == "data" {
                guard let format, format.channels == 1, format.rate == 16000, format.bits == 16 else {
                    throw FormatError(
                        description:
                            "\(path) must be 16 kHz mono 16-bit PCM; convert it with: sox IN.wav -r 16000 -c 1 -b 16 OUT.wav")
                }
                return Data(bytes[body..<min(body + size, bytes.count)])
            }
            offset = body + size + (size & 1)
        }
        throw FormatError(description: "\(path) has no audio data.")
    }

    /// Writes 16-bit mono PCM as a WAV file.
    static func write(pcm: Data, sampleRate: Int, to path: String) throws {
        var out = Data("RIFF".utf8)
        out.append(littleEndian(UInt32(36 + pcm.count)))
        out.append(contentsOf: "WAVEfmt ".utf8)
        out.append(littleEndian(UInt32(16)))
        out.append(littleEndian(UInt16(1)))
        out.append(littleEndian(UInt16(1)))
        out.append(littleEndian(UInt32(sampleRate)))
        out.append(littleEndian(UInt32(sampleRate * 2)))
        out.append(littleEndian(UInt16(2)))
        out.append(littleEndian(UInt16(16)))
        out.append(contentsOf: "data".utf8)
        out.append(littleEndian(UInt32(pcm.count)))
        out.append(pcm)
        try out.write(to: URL(fileURLWithPath: path))
    }

    private static func littleEndian16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    private static func littleEndian32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> Data {
        withUnsafeBytes(of: value.littleEndian) { Data($0) }
    }
}
