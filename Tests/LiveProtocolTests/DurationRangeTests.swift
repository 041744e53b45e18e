import Foundation
import Testing

@testable import LiveProtocol

/// goAway durations the decoder fuzzer found: a negative or astronomically large `timeLeft` decoded and then trapped
/// when converted to text (`Int64(-1e300)`) or to a Swift `Duration`. Now they are decoding errors.
@Suite struct DurationRangeTests {
    @Test("out-of-range timeLeft values are refused", arguments: [
        "-5", "-1e300", "1e300", "1.7976931348623157e308", "315576000001", "\"-5s\"", "\"1e300s\"", "\"315576000001s\"",
        "\"infs\"", "\"nans\"",
    ])
    func refused(_ value: String) {
        #expect(throws: DecodingError.self) { try ServerMessage.decode(Data(#"{"goAway": {"timeLeft": \#(value)}}"#.utf8)) }
    }

    @Test("the range's ends and ordinary values decode, and every decoded duration converts and prints", arguments: [
        ("0", 0.0), ("\"0s\"", 0), ("50", 50), ("\"0.5s\"", 0.5), ("315576000000", 315_576_000_000), ("\"315576000000s\"", 315_576_000_000),
        ("1e-300", 1e-300),
    ])
    func accepted(_ value: String, seconds: Double) throws {
        let message = try ServerMessage.decode(Data(#"{"goAway": {"timeLeft": \#(value)}}"#.utf8))
        let timeLeft = try #require(message.goAway?.timeLeft)
        #expect(timeLeft.seconds == seconds)
        #expect(Duration.seconds(timeLeft.seconds) >= .zero)
        #expect(timeLeft.description.hasSuffix("s"))
        #expect(try ServerMessage.decode(message.encodedLikeService()).goAway != nil)
    }

    @Test("a duration made in code prints without trapping, whatever its value")
    func descriptionNeverTraps() {
        for seconds in [-1e300, 1e300, -.infinity, .nan, -0.5, 1e15, -1e15] {
            #expect(ProtoDuration(seconds: seconds).description.hasSuffix("s"))
        }
    }
}
