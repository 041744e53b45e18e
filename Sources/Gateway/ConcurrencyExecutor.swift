import NIOCore
import NIOPosix

/// Where the daemon's Swift concurrency runs.
public enum ConcurrencyExecutor {
    /// Runs Swift concurrency's global executor on NIO's event loops
    /// (`NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()`),
    /// so that a task resumed by the network needs no hop to a second thread pool. Call once, on
    /// the main thread, before anything else; returns whether it took effect.
    @discardableResult
    public static func useEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
