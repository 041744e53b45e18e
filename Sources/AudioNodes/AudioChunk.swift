import Foundation

/// A piece of captured audio: S16LE mono samples at the sink's rate (16 kHz by default), the
/// exact bytes `realtimeInput.audio` carries.
public struct AudioChunk: Sendable, Equatable {
    /// Little-endian 16-bit samples, two bytes each: the payload of the `realtimeInput.audio`
    /// blob as it is, with no further copy.
    public var bytes: Data
    /// When the chunk's last sample reached the ring on PipeWire's thread (``AudioClock``), 0 when
    /// unknown: the start of the gateway's uplink latency.
    public var capturedAt: Int

    /// A chunk of `bytes`, captured at `capturedAt`.
    public init(bytes: Data, capturedAt: Int = 0) {
        self.bytes = bytes
        self.capturedAt = capturedAt
    }

    /// The number of samples (frames, as the audio is mono).
    public var sampleCount: Int { bytes.count / 2 }

    /// The samples as integers.
    public var samples: [Int16] {
        let start = bytes.startIndex
        return (0..<sampleCount).map {
            Int16(bitPattern: UInt16(bytes[start + 2 * $0]) | UInt16(bytes[start + 2 * $0 + 1]) << 8)
        }
    }
}

/// What the virtual sink reports to the session.
public enum AudioInputEvent: Sendable, Equatable {
    /// A chunk of captured audio: ``VirtualSink/Configuration/chunkDuration`` long, or shorter
    /// when it ends a stretch of speech.
    case audio(AudioChunk)
    /// The input has been quiet (silent or not playing at all) for
    /// ``VirtualSink/Configuration/quietAfter`` after sound; send `audioStreamEnd`.
    case quiet
}
