import Gateway
import Testing

@Suite("Echo transcript filter")
struct EchoTranscriptFilterTests {
    static let start = ContinuousClock.now

    static func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    static func speaking(_ text: String, until milliseconds: Int = 3000) -> EchoTranscriptFilter {
        var filter = EchoTranscriptFilter()
        filter.heardOutput(text, now: at(0))
        filter.voicePlays(until: at(milliseconds))
        return filter
    }

    @Test("while the voice plays, a fragment repeating the model's words is held back, whatever case and punctuation")
    func repeatHeldBack() {
        let filter = Self.speaking("The weather in Paris is sunny, with a high of 21 degrees.")
        #expect(!filter.admits("the weather in paris", now: Self.at(1000)))
        #expect(!filter.admits("Sunny... with a high of 21", now: Self.at(2000)))
        #expect(!filter.admits("Degrees.", now: Self.at(2500)))
    }

    @Test("the user's own words are admitted while the voice plays")
    func userWordsAdmitted() {
        let filter = Self.speaking("The weather in Paris is sunny, with a high of 21 degrees.")
        #expect(filter.admits("stop, what about London tomorrow", now: Self.at(1000)))
        #expect(filter.admits("no", now: Self.at(1000)))
        // Mostly new words with one of the model's: still the user.
        #expect(filter.admits("and what is it in Berlin", now: Self.at(1000)))
    }

    @Test("the model's words out of order are not an echo (only an in-order repeat is)")
    func order() {
        let filter = Self.speaking("one two three four five")
        #expect(filter.admits("five four three two one", now: Self.at(500)))
        #expect(!filter.admits("two three four", now: Self.at(500)))
    }

    @Test("after the voice and its 1.5 s tail, everything is admitted; within the tail an echo is still held back")
    func tail() {
        let filter = Self.speaking("Hello there, how can I help you today?", until: 2000)
        #expect(!filter.admits("how can I help you", now: Self.at(3400)))
        #expect(filter.admits("how can I help you", now: Self.at(3600)))
    }

    @Test("with no voice at all, or an empty or punctuation-only fragment, nothing is held back")
    func nothingToCompare() {
        let silent = EchoTranscriptFilter()
        #expect(silent.admits("hello", now: Self.at(0)))
        let filter = Self.speaking("Hello there.")
        #expect(filter.admits("", now: Self.at(100)))
        #expect(filter.admits(" ... ", now: Self.at(100)))
    }

    @Test("output words older than the memory are forgotten")
    func memory() {
        var filter = EchoTranscriptFilter(memory: .seconds(5))
        filter.heardOutput("the first answer was long ago", now: Self.at(0))
        filter.heardOutput("this is the second answer", now: Self.at(8000))
        filter.voicePlays(until: Self.at(9000))
        #expect(filter.admits("first answer was long ago", now: Self.at(8500)))
        #expect(!filter.admits("the second answer", now: Self.at(8500)))
    }
}

@Suite("Echo convergence guard")
struct EchoConvergenceGuardTests {
    static let ms = 1_000_000

    @Test("armed: the first voice opens the window; chunks overlapping it are silenced, later ones are not")
    func window() {
        var guardian = EchoConvergenceGuard(window: .milliseconds(600))
        #expect(!guardian.silences(capturedAt: 1000 * Self.ms, duration: .milliseconds(100)))
        guardian.arm()
        guardian.voiceQueued(atNanoseconds: 1000 * Self.ms)
        // Before the voice: the user's words pass.
        #expect(!guardian.silences(capturedAt: 999 * Self.ms, duration: .milliseconds(100)))
        #expect(guardian.silences(capturedAt: 1100 * Self.ms, duration: .milliseconds(100)))
        #expect(guardian.silences(capturedAt: 1650 * Self.ms, duration: .milliseconds(100)))
        #expect(!guardian.silences(capturedAt: 1750 * Self.ms, duration: .milliseconds(100)))
        // A second reply does not reopen it; a chunk of unknown capture time is never touched.
        guardian.voiceQueued(atNanoseconds: 5000 * Self.ms)
        #expect(!guardian.silences(capturedAt: 5100 * Self.ms, duration: .milliseconds(100)))
        #expect(!guardian.silences(capturedAt: 0, duration: .milliseconds(100)))
    }

    @Test("not armed (no fresh canceller): nothing is silenced")
    func unarmed() {
        var guardian = EchoConvergenceGuard()
        guardian.voiceQueued(atNanoseconds: 1000 * Self.ms)
        #expect(!guardian.silences(capturedAt: 1100 * Self.ms, duration: .milliseconds(100)))
    }
}
