import DBusService

/// A failure the CLI reports on stderr with exit status 1: a D-Bus error (its name and message) or a problem of
/// its own, each with advice when there is some.
struct CLIFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }

    /// A D-Bus error, named the way `gdbus` and `dbus-send` print them, plus advice for the common ones.
    init(_ error: DBusError, doing action: String) {
        var text = "\(action) failed: \(error.name.rawValue): \(error.message)"
        switch error.name {
        case .nameHasNoOwner, "org.freedesktop.DBus.Error.ServiceUnknown":
            text += "\nThe gateway is not running. Start it with `gemini-live-gateway` (or `gemini-live-gateway --simulator` to try it without a key), or install it for D-Bus activation with scripts/install.sh."
        case .noReply:
            text += "\nThe gateway did not answer in time; raise --timeout or check its log."
        default:
            if action.hasPrefix("Connecting") {
                text += "\nNo session bus is reachable: run inside a desktop session, or set DBUS_SESSION_BUS_ADDRESS (or pass --address)."
            }
        }
        self.description = text
    }
}
