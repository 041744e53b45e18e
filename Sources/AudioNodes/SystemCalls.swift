#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CLOCK_MONOTONIC in nanoseconds: a system call with no allocation, usable on the realtime thread.
@inline(__always)
func monotonicNanoseconds() -> Int {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return now.tv_sec * 1_000_000_000 + now.tv_nsec
}

/// The calling thread's `errno`, negated into PipeWire's result convention.
func negativeErrno() -> Int32 {
    -errno
}
