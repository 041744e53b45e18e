import Foundation
import LiveProtocol

/// A model reply cut into the frames that stream it: audio chunks (or text parts) with the
/// transcript fragments placed where their words start.
struct ReplyPlan: Sendable {
    /// One frame's worth of the reply.
    enum Step: Sendable {
        /// `modelTurn` audio of `duration`.
        case audio(Data, duration: Duration)
        /// `modelTurn` text part (TEXT modality).
        case text(String)
        /// `outputTranscription` fragment.
        case transcript(String)
        /// Silence before the next frame: the model thinking between two utterances of one request.
        case pause(Duration)
    }

    /// The frames, in order.
    var steps: [Step]
    /// The whole reply text.
    var text: String
    /// The reply's audio length (zero for text).
    var audioDuration: Duration

    /// This plan after a pause of `duration`.
    func afterPause(_ duration: Duration) -> ReplyPlan {
        ReplyPlan(steps: [.pause(duration)] + steps, text: text, audioDuration: audioDuration)
    }

    /// A spoken reply: `samples` at 24 kHz cut into `chunkDuration` pieces; with `transcribes`,
    /// word `i` of `text` goes out just before the chunk holding `wordStarts[i]` (spread evenly
    /// when nil).
    static func spoken(
        text: String, samples: [Int16], wordStarts: [Int]?, transcribes: Bool, chunkDuration: Duration
    ) -> ReplyPlan {
        let words = fragments(of: text)
        let chunkSamples = max(1, Int(Double(PCM.outputRate) * chunkDuration.seconds))
        let starts =
            wordStarts
            ?? words.indices.map { index in samples.count * index / max(words.count, 1) }
        var steps: [Step] = []
        var nextWord = 0
        var offset = 0
        while offset < samples.count {
            let end = min(samples.count, offset + chunkSamples)
            while transcribes, nextWord < words.count, nextWord < starts.count, starts[nextWord] < end {
                steps.append(.transcript(words[nextWord]))
                nextWord += 1
            }
            steps.append(
                .audio(
                    PCM.data(samples[offset..<end]),
                    duration: PCM.duration(samples: end - offset, rate: PCM.outputRate)))
            offset = end
        }
        if transcribes {
            for word in words[min(nextWord, words.count)...] { steps.append(.transcript(word)) }
        }
        return ReplyPlan(
            steps: steps, text: text, audioDuration: PCM.duration(samples: samples.count, rate: PCM.outputRate))
    }

    /// A text reply in parts of three words.
    static func written(text: String) -> ReplyPlan {
        let words = fragments(of: text)
        let steps = stride(from: 0, to: words.count, by: 3).map { start in
            Step.text(words[start..<min(words.count, start + 3)].joined())
        }
        return ReplyPlan(steps: steps, text: text, audioDuration: .zero)
    }

    /// The words of `text`, each after the first with its leading space: they join back to the
    /// text with single spaces.
    static func fragments(of text: String) -> [String] {
        text.split(whereSeparator: { $0.isWhitespace }).enumerated().map { index, word in
            index == 0 ? String(word) : " " + word
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
