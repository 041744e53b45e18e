import Logging

/// A private connection to a D-Bus message bus, driven by one serial dispatch queue (no thread of its own, no
/// polling): export objects, own names, emit signals, call methods and watch peers.
///
/// ```swift
/// let bus = try await DBusConnection.connect(logger: logger)       // the session bus
/// try await bus.requestName("io.github.geminilive.Gateway1")
/// try await bus.export(ExportedObject(path: managerPath, interfaces: [manager]))
/// ```
/// The connection never terminates the process when the bus goes away; ``waitUntilDisconnected()`` reports it.
/// Close it with ``close()``; dropping the last reference closes it too.
public final class DBusConnection: Sendable {
    let core: ConnectionCore

    /// Configuration of a connection.
    public struct Configuration: Sendable {
        /// Which bus to connect to.
        public var address: Address
        /// How long ``DBusConnection/call(destination:path:interface:member:arguments:timeout:)`` waits by default.
        public var callTimeout: Duration

        /// A configuration for the given bus, with a 25-second default call timeout (libdbus' own default).
        public init(address: Address = .session, callTimeout: Duration = .seconds(25)) {
            self.address = address
            self.callTimeout = callTimeout
        }
    }

    /// A bus address.
    public enum Address: Sendable, Hashable {
        /// The user's session bus, found through `DBUS_SESSION_BUS_ADDRESS` (libdbus' usual lookup).
        case session
        /// An explicit address such as `unix:path=/tmp/test/bus`.
        case address(String)
    }

    /// Why a connection ended.
    public enum DisconnectReason: Sendable, Hashable {
        /// ``close()`` was called (or the connection was released).
        case closed
        /// The bus went away or dropped the connection.
        case lost
    }

    private init(core: ConnectionCore) {
        self.core = core
    }

    deinit {
        core.close()
    }

    /// Connects and registers with the bus (the `Hello` call).
    /// - Throws: ``DBusError`` from libdbus when the bus cannot be reached (e.g. `org.freedesktop.DBus.Error.NoServer`).
    public static func connect(
        _ configuration: Configuration = Configuration(), logger: Logger = Logger(label: "DBusService")
    ) async throws(DBusError) -> DBusConnection {
        DBusConnection(core: try await ConnectionCore.open(configuration, logger: logger))
    }

    /// This connection's unique bus name, e.g. `:1.7`.
    public var uniqueName: String { core.uniqueName }

    /// Closes the connection: stops its dispatch sources, fails pending calls with `Disconnected`, finishes name
    /// watches and releases libdbus' resources. Idempotent.
    public func close() async {
        await core.closeAndWait()
    }

    /// Suspends until the connection ends, returning why; returns at once when it already has.
    public func waitUntilDisconnected() async -> DisconnectReason {
        await core.waitUntilDisconnected()
    }

    // MARK: Names

    /// Requests a well-known name without queueing (`DBUS_NAME_FLAG_DO_NOT_QUEUE`); succeeds if already owned by us.
    /// - Throws: ``DBusNameOwnedError`` when another connection owns it (naming its owner and pid when known), or
    ///   ``DBusError`` when the request itself fails (invalid name, policy, disconnected).
    public func requestName(_ name: String) async throws {
        try await core.requestName(name)
    }

    /// Releases a well-known name owned by this connection.
    /// - Throws: ``DBusError`` when the name is invalid or the bus refuses.
    public func releaseName(_ name: String) async throws(DBusError) {
        try await core.releaseName(name)
    }

    /// Watches who owns `name` (typically a caller's unique name, to end its sessions when it leaves the bus).
    ///
    /// If the name already has no owner when the watch starts, the first change reports that at once.
    /// - Throws: ``DBusError`` when the name is invalid or the match cannot be added.
    public func watchNameOwner(_ name: String) async throws(DBusError) -> NameOwnerWatch {
        try await core.watchNameOwner(name)
    }

    /// The Unix process and user id behind a bus name (e.g. ``DBusMethodCall/sender``), as the bus reports them.
    /// - Throws: ``DBusError`` (`NameHasNoOwner` when the peer already left).
    public func credentials(of name: String) async throws(DBusError) -> DBusCredentials {
        try await core.credentials(of: name)
    }

    // MARK: Objects

    /// Exports an object. If an object manager is registered at an ancestor path, it emits `InterfacesAdded`
    /// (with the current property values) before this returns.
    /// - Throws: ``DBusExportError`` for an incomplete or inconsistent object or an occupied path;
    ///   ``DBusError`` when the connection is closed.
    public func export(_ object: ExportedObject) async throws {
        try await core.export(object)
    }

    /// Removes the object at `path`; its object manager, if any, emits `InterfacesRemoved`.
    /// Returns whether an object was exported there.
    @discardableResult
    public func unexport(_ path: DBusObjectPath) async -> Bool {
        await core.unexport(path)
    }

    /// Serves `org.freedesktop.DBus.ObjectManager` at `path`: `GetManagedObjects` lists every exported object
    /// below it, and exporting/unexporting such objects emits `InterfacesAdded`/`InterfacesRemoved`.
    /// An object may also be exported at `path` itself.
    /// - Throws: ``DBusError`` when the connection is closed.
    public func addObjectManager(at path: DBusObjectPath) async throws(DBusError) {
        try await core.addObjectManager(at: path)
    }

    /// Answers calls to paths where no object is exported with the error `explainer` returns (for example, why
    /// an object that was there is gone); when it returns nil the caller gets the standard `UnknownObject`.
    /// `explainer` runs on the connection's queue for every such call: keep it short and non-blocking.
    /// - Throws: ``DBusError`` when the connection is closed.
    public func explainMissingObjects(with explainer: @escaping DBusMissingObjectExplainer) async throws(DBusError) {
        try await core.setMissingObjectExplainer(explainer)
    }

    // MARK: Signals and property changes

    /// Emits a signal declared by one of the object's interfaces.
    /// - Throws: ``DBusError`` `InvalidArgs` when the object, interface or signal is not exported/declared or the
    ///   arguments do not match the declared signature (naming expected and actual signatures).
    public func emitSignal(
        path: DBusObjectPath, interface: String, member: String, arguments: [DBusValue] = []
    ) async throws(DBusError) {
        try await core.emitSignal(path: path, interface: interface, member: member, arguments: arguments)
    }

    /// Emits `org.freedesktop.DBus.Properties.PropertiesChanged` for properties of an exported object.
    ///
    /// Each property's `EmitsChangedSignal` annotation is honoured: `true` sends the value, `invalidates` moves it
    /// to the invalidated list, `const` and `false` leave it out. Nothing is sent when nothing remains.
    /// - Throws: ``DBusError`` `InvalidArgs` for undeclared properties or values of the wrong type.
    public func emitPropertiesChanged(
        path: DBusObjectPath, interface: String, changed: [String: DBusValue], invalidated: [String] = []
    ) async throws(DBusError) {
        try await core.emitPropertiesChanged(path: path, interface: interface, changed: changed, invalidated: invalidated)
    }

    /// Queues a signal like ``emitSignal(path:interface:member:arguments:)`` and returns at once: it goes out
    /// in order with everything queued on this connection before it, method replies included. So a caller
    /// that queues a signal and then answers a call (or serves a property read) whose result follows from it
    /// never lets the answer overtake the signal.
    ///
    /// `failed` runs on the connection's queue if the signal is not declared, its arguments do not match,
    /// or the object is not exported when its turn comes; without it the failure is logged.
    public func queueSignal(
        path: DBusObjectPath, interface: String, member: String, arguments: [DBusValue] = [],
        failed: (@Sendable (DBusError) -> Void)? = nil
    ) {
        core.queueSignal(path: path, interface: interface, member: member, arguments: arguments, failed: failed)
    }

    /// Queues `PropertiesChanged` like ``emitPropertiesChanged(path:interface:changed:invalidated:)`` and returns
    /// at once, in order with everything queued before it (see ``queueSignal(path:interface:member:arguments:failed:)``).
    public func queuePropertiesChanged(
        path: DBusObjectPath, interface: String, changed: [String: DBusValue], invalidated: [String] = [],
        failed: (@Sendable (DBusError) -> Void)? = nil
    ) {
        core.queuePropertiesChanged(path: path, interface: interface, changed: changed, invalidated: invalidated, failed: failed)
    }

    /// Subscribes to signals other connections emit (`AddMatch`), delivered as an `AsyncStream`.
    ///
    /// The bus routes only matching signals to this connection; the connection also checks each signal against the
    /// rule, so several subscriptions on one connection each see only their own. A well-known ``DBusMatchRule/sender``
    /// is resolved to its owner when the subscription starts.
    /// - Throws: ``DBusError`` for invalid names in the rule, a closed connection, or a bus that refuses the rule.
    public func subscribe(to rule: DBusMatchRule) async throws(DBusError) -> SignalSubscription {
        try await core.subscribe(to: rule)
    }

    // MARK: Calls

    /// Calls a method on another connection and returns the reply's values.
    /// - Throws: ``DBusError``: the error the peer replied with, `NoReply` on timeout, `Disconnected`, or
    ///   `InvalidArgs` for invalid names or values.
    public func call(
        destination: String, path: DBusObjectPath, interface: String, member: String,
        arguments: [DBusValue] = [], timeout: Duration? = nil
    ) async throws(DBusError) -> [DBusValue] {
        let message = try BusMessage.methodCall(destination: destination, path: path, interface: interface, member: member)
        try message.append(arguments)
        let reply = try await core.send(message, timeout: timeout)
        return try reply.arguments()
    }
}
