import Testing

@testable import Gateway

/// The uplink's PCM history: what a resume sends again is cut from it in the chunks first sent,
/// confirmed audio is never resent, and audio older than the ring is counted as lost.
@Suite("The uplink's audio history")
struct AudioHistoryTests {
    static func chunk(_ first: Int, count: Int) -> [Int16] {
        (0..<count).map { Int16(truncatingIfNeeded: first + $0) }
    }

    static func append(_ samples: [Int16], to history: inout AudioHistory) -> Int {
        samples.withUnsafeBytes { history.append($0) }
    }

    static func resent(_ history: AudioHistory, from: Int, through: Int) -> (chunks: [[Int16]], ends: [Int], lost: Int) {
        var chunks: [[Int16]] = []
        var ends: [Int] = []
        let lost = history.forEachChunk(from: from, through: through) { pcm, end in
            chunks.append(Array(pcm.bindMemory(to: Int16.self)))
            ends.append(end)
        }
        return (chunks, ends, lost)
    }

    @Test("a resume gets the unconfirmed chunks again, cut where they were first cut, a partial chunk included")
    func sameChunks() {
        var history = AudioHistory()
        let sizes = [320, 320, 137, 320, 320]
        var sent: [[Int16]] = []
        var position = 0
        for size in sizes {
            let samples = Self.chunk(position, count: size)
            position = Self.append(samples, to: &history)
            sent.append(samples)
        }
        #expect(position == sizes.reduce(0, +))
        history.confirm(through: 640)
        let again = Self.resent(history, from: history.confirmed, through: history.end)
        #expect(again.chunks == Array(sent.dropFirst(2)))
        #expect(again.ends == [777, 1097, 1417])
        #expect(again.lost == 0)
        let upToMark = Self.resent(history, from: 640, through: 1097)
        #expect(upToMark.chunks == [sent[2], sent[3]], "a kept message sent at 1097 follows these two")
    }

    @Test("confirmed audio is not resent, even when asked from an older position")
    func confirmedIsGone() {
        var history = AudioHistory()
        for index in 0..<4 { _ = Self.append(Self.chunk(index * 100, count: 100), to: &history) }
        history.confirm(through: 300)
        let again = Self.resent(history, from: 0, through: history.end)
        #expect(again.chunks == [Self.chunk(300, count: 100)])
        #expect(again.lost == 0)
        history.confirm(through: 100)
        #expect(history.confirmed == 300, "a confirmation never moves back")
    }

    @Test("unconfirmed audio older than the ring is counted as lost, the rest is resent whole")
    func overflowIsCounted() {
        var history = AudioHistory()
        let chunk = 1 << 14
        let chunks = AudioHistory.capacity / chunk + 3
        for index in 0..<chunks { _ = Self.append(Self.chunk(index * chunk, count: chunk), to: &history) }
        let again = Self.resent(history, from: 0, through: history.end)
        #expect(again.lost == 3 * chunk)
        #expect(again.chunks.count == AudioHistory.capacity / chunk)
        #expect(again.chunks.first == Self.chunk(3 * chunk, count: chunk))
        #expect(again.chunks.last == Self.chunk((chunks - 1) * chunk, count: chunk))
    }
}
