@testable import GeminiLiveCLI
import Testing

@Suite("Transcript order")
struct TranscriptAssemblerTests {
    private func fragment(_ turn: UInt64, _ sequence: UInt64, _ text: String, _ speaker: Speaker = .model) -> TranscriptEvent {
        .fragment(turn: turn, sequence: sequence, speaker: speaker, text: text)
    }

    @Test("fragments out of order are held until the gap fills, then released in (turn, sequence) order")
    func reorders() {
        var assembler = TranscriptAssembler(currentTurn: 0)
        #expect(assembler.accept(fragment(1, 1, "b")) == [])
        #expect(assembler.accept(fragment(1, 0, "a", .user)) == [fragment(1, 0, "a", .user), fragment(1, 1, "b")])
        #expect(assembler.accept(fragment(1, 3, "d")) == [])
        #expect(assembler.accept(fragment(1, 2, "c")) == [fragment(1, 2, "c"), fragment(1, 3, "d")])
    }

    @Test("a turn's end flushes what is held, in order, before the end itself")
    func flushesAtTurnEnd() {
        var assembler = TranscriptAssembler()
        #expect(assembler.accept(fragment(0, 2, "c")) == [])
        #expect(assembler.accept(fragment(0, 1, "b")) == [])
        let end = TranscriptEvent.turnComplete(turn: 0, reason: "")
        #expect(assembler.accept(end) == [fragment(0, 1, "b"), fragment(0, 2, "c"), end])
        let closed = TranscriptEvent.closed(code: 1000, reason: "", explanation: "Close() was called")
        #expect(assembler.accept(fragment(1, 5, "x")) == [])
        #expect(assembler.accept(closed) == [fragment(1, 5, "x"), closed])
    }

    @Test("joining in the middle of a turn starts that turn at the first sequence seen")
    func joinsMidTurn() {
        var assembler = TranscriptAssembler(currentTurn: 3)
        #expect(assembler.accept(fragment(3, 7, "late")) == [fragment(3, 7, "late")])
        #expect(assembler.accept(fragment(4, 1, "early")) == [])
        #expect(assembler.accept(.interrupted(turn: 4)).last == .interrupted(turn: 4))
    }
}
