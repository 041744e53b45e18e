import CDBus
import Dispatch

/// Drives one libdbus connection from a serial `DispatchQueue`: libdbus watches become read/write
/// `DispatchSource`s, libdbus timeouts become timer sources, and queued messages are dispatched from the queue.
///
/// There is no dedicated thread and no polling. Rule: every libdbus call on the connection happens on `queue`.
/// libdbus owns one retain of the driver (released by the free function of `set_watch_functions`), and each watch
/// or timeout owns a retained ``SourceBox`` whose `handle` is cleared when libdbus frees it, so a late event can
/// never touch a freed watch.
final class DispatchSourceDriver: @unchecked Sendable {
    let queue: DispatchQueue
    /// The connection; `nil` once ``invalidate()`` ran (then scheduled work does nothing).
    private var connection: OpaquePointer?

    /// Per-watch / per-timeout state stored with `dbus_watch_set_data` / `dbus_timeout_set_data`.
    private final class SourceBox {
        var handle: OpaquePointer?
        var sources: [any DispatchSourceProtocol] = []

        init(handle: OpaquePointer) {
            self.handle = handle
        }

        func cancelSources() {
            for source in sources { source.cancel() }
            sources = []
        }
    }

    init(queue: DispatchQueue, connection: OpaquePointer) {
        self.queue = queue
        self.connection = connection
    }

    /// Installs the watch, timeout, dispatch-status and wake-up hooks. Call once, on `queue`.
    func install() -> Bool {
        guard let connection else { return false }
        let context = Unmanaged.passRetained(self).toOpaque()
        let watches = dbus_connection_set_watch_functions(
            connection,
            { watch, context in DispatchSourceDriver.from(context)?.addWatch(watch) ?? 0 },
            { watch, context in DispatchSourceDriver.from(context)?.removeWatch(watch) },
            { watch, context in DispatchSourceDriver.from(context)?.toggleWatch(watch) },
            context,
            { context in context.map { Unmanaged<DispatchSourceDriver>.fromOpaque($0).release() } })
        guard watches != 0 else {
            Unmanaged<DispatchSourceDriver>.fromOpaque(context).release()
            return false
        }
        let unretained = Unmanaged.passUnretained(self).toOpaque()
        let timeouts = dbus_connection_set_timeout_functions(
            connection,
            { timeout, context in DispatchSourceDriver.from(context)?.addTimeout(timeout) ?? 0 },
            { timeout, context in DispatchSourceDriver.from(context)?.removeTimeout(timeout) },
            { timeout, context in DispatchSourceDriver.from(context)?.toggleTimeout(timeout) },
            unretained, nil)
        dbus_connection_set_dispatch_status_function(
            connection,
            { _, status, context in
                if status == DBUS_DISPATCH_DATA_REMAINS { DispatchSourceDriver.from(context)?.scheduleDispatch() }
            },
            unretained, nil)
        dbus_connection_set_wakeup_main_function(
            connection, { context in DispatchSourceDriver.from(context)?.scheduleDispatch() }, unretained, nil)
        scheduleDispatch()
        return timeouts != 0
    }

    /// Stops all sources and detaches the hooks (which releases libdbus' retain of the driver). Call on `queue`.
    func invalidate() {
        guard let connection else { return }
        dbus_connection_set_dispatch_status_function(connection, nil, nil, nil)
        dbus_connection_set_wakeup_main_function(connection, nil, nil, nil)
        dbus_connection_set_timeout_functions(connection, nil, nil, nil, nil, nil)
        dbus_connection_set_watch_functions(connection, nil, nil, nil, nil, nil)
        self.connection = nil
    }

    /// Dispatches every queued incoming message. Call on `queue`, never from inside a libdbus callback.
    func dispatchAll() {
        guard let connection else { return }
        while dbus_connection_dispatch(connection) == DBUS_DISPATCH_DATA_REMAINS {}
    }

    private func scheduleDispatch() {
        queue.async { self.dispatchAll() }
    }

    private static func from(_ context: UnsafeMutableRawPointer?) -> DispatchSourceDriver? {
        context.map { Unmanaged<DispatchSourceDriver>.fromOpaque($0).takeUnretainedValue() }
    }

    private static func box(_ data: UnsafeMutableRawPointer?) -> SourceBox? {
        data.map { Unmanaged<SourceBox>.fromOpaque($0).takeUnretainedValue() }
    }

    private static let freeBox: DBusFreeFunction = { data in
        guard let data else { return }
        let box = Unmanaged<SourceBox>.fromOpaque(data).takeRetainedValue()
        box.cancelSources()
        box.handle = nil
    }

    // MARK: Watches

    private func addWatch(_ watch: OpaquePointer?) -> dbus_bool_t {
        guard let watch else { return 0 }
        let box = SourceBox(handle: watch)
        dbus_watch_set_data(watch, Unmanaged.passRetained(box).toOpaque(), Self.freeBox)
        armWatch(box)
        return 1
    }

    private func removeWatch(_ watch: OpaquePointer?) {
        guard let watch else { return }
        Self.box(dbus_watch_get_data(watch))?.cancelSources()
    }

    private func toggleWatch(_ watch: OpaquePointer?) {
        guard let watch, let box = Self.box(dbus_watch_get_data(watch)) else { return }
        box.cancelSources()
        armWatch(box)
    }

    private func armWatch(_ box: SourceBox) {
        guard let watch = box.handle, dbus_watch_get_enabled(watch) != 0 else { return }
        let descriptor = dbus_watch_get_unix_fd(watch)
        guard descriptor >= 0 else { return }
        let flags = dbus_watch_get_flags(watch)
        if flags & DBUS_WATCH_READABLE.rawValue != 0 {
            let source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
            source.setEventHandler { [self, box] in
                self.handle(box, condition: DBUS_WATCH_READABLE.rawValue)
            }
            box.sources.append(source)
            source.resume()
        }
        if flags & DBUS_WATCH_WRITABLE.rawValue != 0 {
            let source = DispatchSource.makeWriteSource(fileDescriptor: descriptor, queue: queue)
            source.setEventHandler { [self, box] in
                self.handle(box, condition: DBUS_WATCH_WRITABLE.rawValue)
            }
            box.sources.append(source)
            source.resume()
        }
    }

    private func handle(_ box: SourceBox, condition: UInt32) {
        guard let watch = box.handle, connection != nil else { return }
        _ = dbus_watch_handle(watch, condition)
        dispatchAll()
    }

    // MARK: Timeouts

    private func addTimeout(_ timeout: OpaquePointer?) -> dbus_bool_t {
        guard let timeout else { return 0 }
        let box = SourceBox(handle: timeout)
        dbus_timeout_set_data(timeout, Unmanaged.passRetained(box).toOpaque(), Self.freeBox)
        armTimeout(box)
        return 1
    }

    private func removeTimeout(_ timeout: OpaquePointer?) {
        guard let timeout else { return }
        Self.box(dbus_timeout_get_data(timeout))?.cancelSources()
    }

    private func toggleTimeout(_ timeout: OpaquePointer?) {
        guard let timeout, let box = Self.box(dbus_timeout_get_data(timeout)) else { return }
        box.cancelSources()
        armTimeout(box)
    }

    private func armTimeout(_ box: SourceBox) {
        guard let timeout = box.handle, dbus_timeout_get_enabled(timeout) != 0 else { return }
        let interval = DispatchTimeInterval.milliseconds(Int(max(0, dbus_timeout_get_interval(timeout))))
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [self, box] in
            guard let timeout = box.handle, self.connection != nil else { return }
            _ = dbus_timeout_handle(timeout)
            self.dispatchAll()
        }
        box.sources.append(timer)
        timer.resume()
    }
}
