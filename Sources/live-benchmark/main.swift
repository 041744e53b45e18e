// live-benchmark: encode/decode cost of Live API audio frames, release builds only.
//
//     swift run -c release live-benchmark [--duration 1] [--runs 3]

import ArgumentParser

LiveBenchmarkCommand.main()
