import DBusService
import Foundation
import Logging
import Synchronization

/// The client side of `org.freedesktop.portal.ScreenCast`: CreateSession, SelectSources, Start
/// and OpenPipeWireRemote, each answered by a `Request.Response` signal, then a PipeWire socket
/// and the node to capture. The user's consent is the portal's dialog; the gateway never
/// captures the screen any other way.
///
/// With `persist` the portal returns a restore token; the next share passes it back so that the
/// portal can restore the same choice without asking again. The token is kept for the daemon's life.
final class ScreenCastPortal: Sendable {
    static let busName = "org.freedesktop.portal.Desktop"
    static let objectPath = "/org/freedesktop/portal/desktop"
    static let interface = "org.freedesktop.portal.ScreenCast"
    static let requestInterface = "org.freedesktop.portal.Request"
    static let sessionInterface = "org.freedesktop.portal.Session"

    /// How long the user may take to answer the dialog.
    let responseTimeout: Duration
    private let restoreToken = Mutex<String?>(nil)
    private let tokens = Atomic<Int>(0)
    private let logger: Logger

    init(responseTimeout: Duration = .seconds(300), logger: Logger) {
        self.responseTimeout = responseTimeout
        self.logger = logger
    }

    /// What a finished handshake hands over.
    struct Grant: Sendable {
        /// The portal's session, to close when the share ends.
        let session: DBusObjectPath
        /// The PipeWire node to capture.
        let node: UInt32
        /// A socket to PipeWire that can see that node (the capture takes it over).
        let remote: DBusFileDescriptor
        /// What the user picked: "monitor", "window" or "virtual".
        let sourceType: String
        /// The stream's size as the portal reported it, when it did.
        let size: (width: Int32, height: Int32)?
    }

    /// Runs the whole handshake on `bus`.
    /// - Throws: `Cancelled` when the user dismissed the dialog, `PortalRefused` when the portal
    ///   or its backend said no, `PortalUnavailable` when there is no portal.
    func share(on bus: DBusConnection, options: VideoOptions) async throws(DBusError) -> Grant {
        let version = await property("version", on: bus) ?? 1
        let created = try await request(on: bus, "CreateSession", step: "create a screen-cast session") { token in
            [.dictionary(key: .string, value: .variant, [
                .string("handle_token"): .variant(.string(token)),
                .string("session_handle_token"): .variant(.string(self.nextToken())),
            ])]
        }
        guard case .string(let handle)? = created["session_handle"]?.unwrappingVariant,
              let session = try? DBusObjectPath(handle)
        else {
            throw DBusError(GatewayError.portalRefused, "The ScreenCast portal created a session but did not say its handle (session_handle).")
        }
        do throws(DBusError) {
            let cursorModes = await property("AvailableCursorModes", on: bus) ?? 0
            var cursor = options.cursor.mode
            if cursorModes != 0, cursorModes & cursor == 0 {
                // The backend cannot draw the cursor as asked: take the first mode it offers.
                cursor = [1, 2, 4].first { cursorModes & $0 != 0 } ?? 1
                logger.info("the ScreenCast portal cannot use cursor mode \(options.cursor.rawValue); using mode \(cursor)")
            }
            _ = try await request(on: bus, "SelectSources", step: "offer the sources", session: session) { token in
                var selection: [DBusValue: DBusValue] = [
                    .string("handle_token"): .variant(.string(token)),
                    .string("types"): .variant(.uint32(options.sourceTypes.mask)),
                    .string("multiple"): .variant(.boolean(false)),
                    .string("cursor_mode"): .variant(.uint32(cursor)),
                ]
                if version >= 4, options.persist {
                    selection[.string("persist_mode")] = .variant(.uint32(2))
                    if let token = self.restoreToken.withLock({ $0 }) {
                        selection[.string("restore_token")] = .variant(.string(token))
                    }
                }
                return [.objectPath(session), .dictionary(key: .string, value: .variant, selection)]
            }
            let started = try await request(on: bus, "Start", step: "start the screen cast", session: session) { token in
                [.objectPath(session), .string(""),
                 .dictionary(key: .string, value: .variant, [.string("handle_token"): .variant(.string(token))])]
            }
            if case .string(let token)? = started["restore_token"]?.unwrappingVariant, !token.isEmpty {
                restoreToken.withLock { $0 = token }
            }
            guard case .array(_, let streams)? = started["streams"]?.unwrappingVariant,
                  case .structure(let fields)? = streams.first, fields.count == 2, case .uint32(let node) = fields[0]
            else {
                throw DBusError(GatewayError.portalRefused, "The ScreenCast portal started the cast but named no stream; nothing was chosen to share.")
            }
            var sourceType = "monitor"
            var size: (Int32, Int32)?
            if case .dictionary(_, _, let properties) = fields[1] {
                if case .uint32(let type)? = properties[.string("source_type")]?.unwrappingVariant {
                    sourceType = type == 2 ? "window" : (type == 4 ? "virtual" : "monitor")
                }
                if case .structure(let wh)? = properties[.string("size")]?.unwrappingVariant, wh.count == 2,
                   case .int32(let width) = wh[0], case .int32(let height) = wh[1] {
                    size = (width, height)
                }
            }
            let reply = try await bus.call(
                destination: Self.busName, path: try DBusObjectPath(Self.objectPath), interface: Self.interface,
                member: "OpenPipeWireRemote",
                arguments: [.objectPath(session), .dictionary(key: .string, value: .variant, [:])])
            guard case .unixFD(let remote)? = reply.first else {
                throw DBusError(GatewayError.portalRefused, "OpenPipeWireRemote returned no file descriptor.")
            }
            return Grant(session: session, node: node, remote: remote, sourceType: sourceType, size: size)
        } catch {
            await close(session, on: bus)
            throw error
        }
    }

    /// Closes the portal's session (the desktop stops casting). Errors are logged: the session may be gone already.
    func close(_ session: DBusObjectPath, on bus: DBusConnection) async {
        do {
            _ = try await bus.call(destination: Self.busName, path: session, interface: Self.sessionInterface, member: "Close")
        } catch {
            logger.debug("closing the ScreenCast session \(session) failed: \(error)")
        }
    }

    /// Signals `Closed` of the portal's session (the user stopped the cast from the desktop).
    func closings(of session: DBusObjectPath, on bus: DBusConnection) async throws(DBusError) -> SignalSubscription {
        try await bus.subscribe(to: DBusMatchRule(
            sender: Self.busName, path: session, interface: Self.sessionInterface, member: "Closed"))
    }

    /// Forgets the restore token (the next share shows the dialog).
    func forgetRestoreToken() {
        restoreToken.withLock { $0 = nil }
    }

    /// Whether a restore token is kept.
    var hasRestoreToken: Bool { restoreToken.withLock { $0 != nil } }

    // MARK: Requests

    private func nextToken() -> String {
        "gemini_live_\(tokens.add(1, ordering: .relaxed).newValue)"
    }

    /// Calls `member` with the arguments `build` makes from a fresh handle token, and waits for
    /// the `Response` of its Request object.
    private func request(
        on bus: DBusConnection, _ member: String, step: String, session: DBusObjectPath? = nil,
        _ build: (String) -> [DBusValue]
    ) async throws(DBusError) -> [String: DBusValue] {
        let token = nextToken()
        let sender = bus.uniqueName.dropFirst().replacingOccurrences(of: ".", with: "_")
        let expected = try DBusObjectPath("\(Self.objectPath)/request/\(sender)/\(token)")
        // Subscribed before the call, so that a fast Response is not missed.
        var subscription = try await responses(at: expected, on: bus)
        defer { subscription.cancel() }
        let reply: [DBusValue]
        do {
            reply = try await bus.call(
                destination: Self.busName, path: try DBusObjectPath(Self.objectPath), interface: Self.interface,
                member: member, arguments: build(token))
        } catch {
            throw Self.explain(error, step: step)
        }
        if case .objectPath(let returned)? = reply.first, returned != expected {
            // A portal older than the handle_token convention: its Request lives elsewhere.
            subscription.cancel()
            subscription = try await responses(at: returned, on: bus)
        }
        let waiting = subscription
        let response = await withTaskGroup(of: DBusSignal?.self) { group in
            group.addTask {
                var signals = waiting.signals.makeAsyncIterator()
                return await signals.next()
            }
            group.addTask {
                try? await Task.sleep(for: self.responseTimeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let response else {
            throw DBusError(GatewayError.portalRefused,
                "The ScreenCast portal did not answer \(member) within \(responseTimeout) (the dialog was left open?); call ShareScreen again.")
        }
        guard response.arguments.count == 2, case .uint32(let code) = response.arguments[0] else {
            throw DBusError(GatewayError.portalRefused, "The ScreenCast portal answered \(member) with a malformed Response.")
        }
        switch code {
        case 0:
            break
        case 1:
            throw DBusError(GatewayError.cancelled,
                "The screen-share dialog was cancelled, so nothing is shared; call ShareScreen again and pick a screen or window.")
        default:
            throw DBusError(GatewayError.portalRefused,
                "The desktop's ScreenCast portal refused to \(step) (response \(code)); its backend may not support this session or compositor. Check `journalctl --user -u xdg-desktop-portal`.")
        }
        var results: [String: DBusValue] = [:]
        if case .dictionary(_, _, let entries) = response.arguments[1] {
            for (key, value) in entries {
                if case .string(let name) = key { results[name] = value }
            }
        }
        return results
    }

    private func responses(at path: DBusObjectPath, on bus: DBusConnection) async throws(DBusError) -> SignalSubscription {
        try await bus.subscribe(to: DBusMatchRule(
            sender: Self.busName, path: path, interface: Self.requestInterface, member: "Response"))
    }

    private func property(_ name: String, on bus: DBusConnection) async -> UInt32? {
        guard let reply = try? await bus.call(
            destination: Self.busName, path: try DBusObjectPath(Self.objectPath),
            interface: "org.freedesktop.DBus.Properties", member: "Get",
            arguments: [.string(Self.interface), .string(name)], timeout: .seconds(5)),
            case .uint32(let value)? = reply.first?.unwrappingVariant
        else { return nil }
        return value
    }

    /// The named error for a failed portal call.
    private static func explain(_ error: DBusError, step: String) -> DBusError {
        switch error.name.rawValue {
        case "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner":
            DBusError(GatewayError.portalUnavailable,
                "No ScreenCast portal runs on the session bus (\(busName)); install xdg-desktop-portal and your desktop's backend (xdg-desktop-portal-gnome, -kde or -wlr), or share a PipeWire node with ShareVideo.")
        case "org.freedesktop.DBus.Error.UnknownMethod", "org.freedesktop.DBus.Error.UnknownInterface":
            DBusError(GatewayError.portalUnavailable,
                "The desktop portal has no ScreenCast interface (its backend does not support screen casting); share a PipeWire node with ShareVideo instead.")
        default:
            DBusError(GatewayError.portalRefused, "The ScreenCast portal failed to \(step): \(error.message)")
        }
    }
}
