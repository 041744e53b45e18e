import Glibc
import Synchronization

/// A Unix file descriptor received in a message (type `h`, e.g. the PipeWire socket the
/// ScreenCast portal's `OpenPipeWireRemote` returns). The value owns the descriptor and closes
/// it when the last reference goes, unless ``take()`` handed it on. Two values are equal only
/// when they are the same object. Sending descriptors is not supported.
public final class DBusFileDescriptor: Sendable, Hashable, CustomStringConvertible {
    private let descriptor: Mutex<Int32?>

    /// Takes ownership of `fd`.
    public init(owning fd: Int32) {
        descriptor = Mutex(fd)
    }

    /// Hands the descriptor to the caller, who closes it; nil when it was taken already.
    public func take() -> Int32? {
        descriptor.withLock { fd in
            defer { fd = nil }
            return fd
        }
    }

    deinit {
        if let fd = descriptor.withLock({ $0 }) { Glibc.close(fd) }
    }

    public static func == (lhs: DBusFileDescriptor, rhs: DBusFileDescriptor) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }

    /// `fd 7`, or `fd (taken)`.
    public var description: String {
        descriptor.withLock { $0.map { "fd \($0)" } ?? "fd (taken)" }
    }
}
