import CDBus
import Dispatch
import Logging

/// The state behind a ``DBusConnection``. Everything mutable here, and every libdbus call, is confined to `queue`.
///
/// libdbus holds two retains of the core (the filter and the `/` fallback handler); ``shutdown(_:)`` drops both,
/// so the core lives exactly as long as the connection is open.
final class ConnectionCore: @unchecked Sendable {
    let queue: DispatchQueue
    let logger: Logger
    let uniqueName: String
    let callTimeout: Duration

    private(set) var connection: OpaquePointer?
    private var driver: DispatchSourceDriver?
    private var disconnectReason: DBusConnection.DisconnectReason?
    private var disconnectWaiters: [CheckedContinuation<DBusConnection.DisconnectReason, Never>] = []
    private var pendingReplies: [ObjectIdentifier: PendingReply] = [:]
    private var filterContext: UnsafeMutableRawPointer?

    var objects: [DBusObjectPath: ExportedObject] = [:]
    var managers: Set<DBusObjectPath> = []
    /// Explains a call to a path where no object is exported (e.g. one that was removed); nil: the standard error.
    var missingObjectExplainer: DBusMissingObjectExplainer?
    var nameWatches: [UInt64: WeakNameOwnerWatch] = [:]
    var signalSubscriptions: [UInt64: WeakSignalSubscription] = [:]
    var nextWatchID: UInt64 = 0
    /// The newest handler task per caller and object; each new call waits for it, so one peer's calls to one object
    /// run in arrival order while different peers and objects proceed concurrently.
    var callChains: [CallChainKey: (token: UInt64, task: Task<Void, Never>)] = [:]
    var nextCallToken: UInt64 = 0

    /// Identifies the calls that must keep their order.
    struct CallChainKey: Hashable {
        let sender: String
        let path: String
    }

    /// Weak registry entry so that dropping a ``NameOwnerWatch`` ends it.
    struct WeakNameOwnerWatch {
        weak var watch: NameOwnerWatch?
        let name: String
    }

    private init(queue: DispatchQueue, logger: Logger, connection: OpaquePointer, uniqueName: String, callTimeout: Duration) {
        self.queue = queue
        self.logger = logger
        self.connection = connection
        self.uniqueName = uniqueName
        self.callTimeout = callTimeout
    }

    // MARK: Opening

    static func open(_ configuration: DBusConnection.Configuration, logger: Logger) async throws(DBusError) -> ConnectionCore {
        let queue = DispatchQueue(label: "DBusService.connection")
        let result: Result<ConnectionCore, DBusError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(DBusError) -> ConnectionCore in
                    try openOnQueue(configuration, queue: queue, logger: logger)
                })
            }
        }
        return try result.get()
    }

    /// Blocking connect + `Hello`, done once on the fresh queue before anything else can use it.
    private static func openOnQueue(
        _ configuration: DBusConnection.Configuration, queue: DispatchQueue, logger: Logger
    ) throws(DBusError) -> ConnectionCore {
        guard dbus_threads_init_default() != 0 else { throw DBusError(.noMemory, "dbus_threads_init_default failed") }
        var error = CDBus.DBusError()
        dbus_error_init(&error)
        defer { dbus_error_free(&error) }
        let opened: OpaquePointer?
        let description: String
        switch configuration.address {
        case .session:
            description = "the session bus"
            opened = dbus_bus_get_private(DBUS_BUS_SESSION, &error)
        case .address(let address):
            description = address
            if let connection = dbus_connection_open_private(address, &error) {
                if dbus_bus_register(connection, &error) != 0 {
                    opened = connection
                } else {
                    dbus_connection_close(connection)
                    dbus_connection_unref(connection)
                    opened = nil
                }
            } else {
                opened = nil
            }
        }
        guard let connection = opened else {
            throw Self.error(from: error, context: "Cannot connect to \(description)")
        }
        dbus_connection_set_exit_on_disconnect(connection, 0)
        let uniqueName = dbus_bus_get_unique_name(connection).map { String(cString: $0) } ?? ""
        let core = ConnectionCore(
            queue: queue, logger: logger, connection: connection, uniqueName: uniqueName,
            callTimeout: configuration.callTimeout)
        do {
            try core.start()
        } catch {
            core.shutdown(.closed)
            throw error
        }
        logger.debug("Connected to D-Bus", metadata: ["bus": "\(description)", "unique-name": "\(uniqueName)"])
        return core
    }

    private func start() throws(DBusError) {
        guard let connection else { throw Self.disconnectedError }
        let driver = DispatchSourceDriver(queue: queue, connection: connection)
        self.driver = driver
        guard driver.install() else { throw DBusError(.noMemory, "Cannot install the D-Bus dispatch sources") }

        let filterContext = Unmanaged.passRetained(self).toOpaque()
        guard dbus_connection_add_filter(connection, Self.filterFunction, filterContext, Self.releaseContext) != 0 else {
            Unmanaged<ConnectionCore>.fromOpaque(filterContext).release()
            throw DBusError(.noMemory, "Cannot add the D-Bus message filter")
        }
        self.filterContext = filterContext

        var vtable = DBusObjectPathVTable()
        vtable.message_function = { _, message, context in
            guard let message, let context else { return DBUS_HANDLER_RESULT_NOT_YET_HANDLED }
            let core = Unmanaged<ConnectionCore>.fromOpaque(context).takeUnretainedValue()
            return core.handleObjectMessage(BusMessage(retaining: message))
        }
        vtable.unregister_function = { _, context in
            context.map { Unmanaged<ConnectionCore>.fromOpaque($0).release() }
        }
        let handlerContext = Unmanaged.passRetained(self).toOpaque()
        guard dbus_connection_register_fallback(connection, "/", &vtable, handlerContext) != 0 else {
            Unmanaged<ConnectionCore>.fromOpaque(handlerContext).release()
            throw DBusError(.noMemory, "Cannot register the object handler")
        }
    }

    private static let filterFunction: DBusHandleMessageFunction = { _, message, context in
        if let message, let context {
            Unmanaged<ConnectionCore>.fromOpaque(context).takeUnretainedValue().filter(BusMessage(retaining: message))
        }
        return DBUS_HANDLER_RESULT_NOT_YET_HANDLED
    }

    private static let releaseContext: DBusFreeFunction = { context in
        context.map { Unmanaged<ConnectionCore>.fromOpaque($0).release() }
    }

    static func error(from error: CDBus.DBusError, context: String) -> DBusError {
        guard dbus_error_is_set_value(error) else { return DBusError(.failed, context) }
        let name = error.name.map { String(cString: $0) } ?? DBusError.Name.failed.rawValue
        let message = error.message.map { String(cString: $0) } ?? ""
        return DBusError(DBusError.Name(name), "\(context): \(message)")
    }

    static let disconnectedError = DBusError(.disconnected, "The connection to the bus is closed")

    // MARK: Queue helpers

    /// Runs `body` on the queue and returns its result.
    func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws(DBusError) -> T) async throws(DBusError) -> T {
        let result: Result<T, DBusError> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Result { () throws(DBusError) -> T in try body() }) }
        }
        return try result.get()
    }

    /// Runs `body` on the queue without waiting for it; a failure goes to `failed`, or to the log.
    func post(
        _ failed: (@Sendable (DBusError) -> Void)?, what: String, _ body: @escaping @Sendable () throws(DBusError) -> Void
    ) {
        queue.async {
            do throws(DBusError) {
                try body()
            } catch {
                if let failed { failed(error) } else { self.logger.warning("\(what) not sent: \(error.message)") }
            }
        }
    }

    /// Queues a message for sending. Call on the queue; a closed connection drops it (with a debug log).
    func send(_ message: BusMessage) {
        guard let connection else {
            logger.debug("Dropping a message on a closed connection", metadata: ["member": "\(message.member ?? "")"])
            return
        }
        if dbus_connection_send(connection, message.pointer, nil) == 0 {
            logger.error("Out of memory sending a D-Bus message")
        }
    }

    // MARK: Incoming signals

    private func filter(_ message: BusMessage) {
        guard message.type == DBUS_MESSAGE_TYPE_SIGNAL else { return }
        switch (message.interface, message.member) {
        case ("org.freedesktop.DBus.Local", "Disconnected"):
            if disconnectReason == nil {
                disconnectReason = .lost
                logger.warning("Lost the connection to the D-Bus bus")
            }
            queue.async { self.shutdown(.lost) }
        case ("org.freedesktop.DBus", "NameOwnerChanged") where message.sender == "org.freedesktop.DBus":
            handleNameOwnerChanged(message)
            deliverToSubscriptions(message)
        default:
            deliverToSubscriptions(message)
        }
    }

    // MARK: Calls

    /// Sends a method call and waits for its reply; an error reply becomes a thrown ``DBusError``.
    func send(_ message: BusMessage, timeout: Duration?) async throws(DBusError) -> BusMessage {
        let limit = timeout ?? callTimeout
        let milliseconds = Int32(clamping: limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000)
        let result: Result<BusMessage, DBusError> = await withCheckedContinuation { continuation in
            queue.async { self.startCall(message, timeout: milliseconds, continuation: continuation) }
        }
        return try result.get()
    }

    private func startCall(
        _ message: BusMessage, timeout: Int32, continuation: CheckedContinuation<Result<BusMessage, DBusError>, Never>
    ) {
        guard let connection else { return continuation.resume(returning: .failure(Self.disconnectedError)) }
        var pending: OpaquePointer?
        guard dbus_connection_send_with_reply(connection, message.pointer, &pending, timeout) != 0 else {
            return continuation.resume(returning: .failure(DBusError(.noMemory, "Cannot send a method call")))
        }
        guard let pending else { return continuation.resume(returning: .failure(Self.disconnectedError)) }
        let reply = PendingReply(core: self, pending: pending, continuation: continuation)
        pendingReplies[ObjectIdentifier(reply)] = reply
        let notify: DBusPendingCallNotifyFunction = { _, context in
            context.map { Unmanaged<PendingReply>.fromOpaque($0).takeUnretainedValue().complete() }
        }
        let release: DBusFreeFunction = { context in
            context.map { Unmanaged<PendingReply>.fromOpaque($0).release() }
        }
        guard dbus_pending_call_set_notify(pending, notify, Unmanaged.passRetained(reply).toOpaque(), release) != 0 else {
            return reply.fail(DBusError(.noMemory, "Cannot wait for a reply"))
        }
        if dbus_pending_call_get_completed(pending) != 0 { reply.complete() }
    }

    /// One outstanding method call. Completed exactly once, on the queue.
    final class PendingReply {
        private let core: ConnectionCore
        private var pending: OpaquePointer?
        private var continuation: CheckedContinuation<Result<BusMessage, DBusError>, Never>?

        init(core: ConnectionCore, pending: OpaquePointer, continuation: CheckedContinuation<Result<BusMessage, DBusError>, Never>) {
            self.core = core
            self.pending = pending
            self.continuation = continuation
        }

        func complete() {
            guard let pending else { return }
            let reply = dbus_pending_call_steal_reply(pending).map(BusMessage.init(owning:))
            guard let reply else { return fail(DBusError(.noReply, "No reply was received")) }
            if reply.type == DBUS_MESSAGE_TYPE_ERROR {
                finish(.failure(DBusError(DBusError.Name(reply.errorName ?? "org.freedesktop.DBus.Error.Failed"), reply.errorMessage)))
            } else {
                finish(.success(reply))
            }
        }

        func fail(_ error: DBusError) {
            if let pending { dbus_pending_call_cancel(pending) }
            finish(.failure(error))
        }

        private func finish(_ result: Result<BusMessage, DBusError>) {
            guard let pending else { return }
            self.pending = nil
            core.pendingReplies[ObjectIdentifier(self)] = nil
            continuation?.resume(returning: result)
            continuation = nil
            dbus_pending_call_unref(pending)
        }
    }

    // MARK: Closing

    func close() {
        queue.async { self.shutdown(.closed) }
    }

    func closeAndWait() async {
        _ = try? await onQueue { self.shutdown(.closed) }
    }

    func waitUntilDisconnected() async -> DBusConnection.DisconnectReason {
        await withCheckedContinuation { continuation in
            queue.async {
                if let reason = self.disconnectReason, self.connection == nil {
                    continuation.resume(returning: reason)
                } else {
                    self.disconnectWaiters.append(continuation)
                }
            }
        }
    }

    /// Closes and releases everything, in an order that leaves no callback pointing at freed memory:
    /// close (libdbus removes the watches, cancelling their sources), dispatch what is left (the local
    /// `Disconnected` signal, error replies for pending calls), detach the hooks, unregister the handlers
    /// (releasing libdbus' retains of the core), then drop our reference.
    func shutdown(_ reason: DBusConnection.DisconnectReason) {
        guard let connection else { return }
        if disconnectReason == nil { disconnectReason = reason }
        dbus_connection_close(connection)
        driver?.dispatchAll()
        driver?.invalidate()
        driver = nil
        self.connection = nil
        dbus_connection_unregister_object_path(connection, "/")
        if let filterContext {
            dbus_connection_remove_filter(connection, Self.filterFunction, filterContext)
            self.filterContext = nil
        }
        for reply in Array(pendingReplies.values) { reply.fail(Self.disconnectedError) }
        for entry in nameWatches.values { entry.watch?.continuation.finish() }
        nameWatches = [:]
        for entry in signalSubscriptions.values { entry.subscription?.continuation.finish() }
        signalSubscriptions = [:]
        callChains = [:]
        objects = [:]
        managers = []
        dbus_connection_unref(connection)
        let waiters = disconnectWaiters
        disconnectWaiters = []
        for waiter in waiters { waiter.resume(returning: disconnectReason ?? reason) }
        logger.debug("D-Bus connection closed", metadata: ["unique-name": "\(uniqueName)"])
    }
}

/// `dbus_error_is_set` reads a bitfield struct by pointer; this helper keeps callers free of `inout` copies.
private func dbus_error_is_set_value(_ error: CDBus.DBusError) -> Bool {
    var copy = error
    return dbus_error_is_set(&copy) != 0
}
