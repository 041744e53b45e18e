#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Process CPU time and monotonic wall time, in seconds.
enum CPUClock {
    /// CPU time consumed by the whole process (all threads), `CLOCK_PROCESS_CPUTIME_ID`.
    static func processCPU() -> Double {
        read(CLOCK_PROCESS_CPUTIME_ID)
    }

    /// Monotonic wall-clock time.
    static func wall() -> Double {
        read(CLOCK_MONOTONIC)
    }

    /// User and system CPU time from `getrusage(RUSAGE_SELF)`.
    static func resourceUsage() -> (user: Double, system: Double) {
        var usage = makeRusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return (seconds(usage.ru_utime), seconds(usage.ru_stime))
    }

    private static func makeRusage() -> rusage { rusage() }

    private static func read(_ clock: clockid_t) -> Double {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
