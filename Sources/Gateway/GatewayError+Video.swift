import DBusService

extension GatewayError {
    /// The user closed the desktop's screen-share dialog without choosing.
    public static let cancelled: DBusError.Name = "io.github.geminilive.Gateway1.Error.Cancelled"
    /// The ScreenCast portal (or its backend) refused the share.
    public static let portalRefused: DBusError.Name = "io.github.geminilive.Gateway1.Error.PortalRefused"
    /// No ScreenCast portal runs on the session bus.
    public static let portalUnavailable: DBusError.Name = "io.github.geminilive.Gateway1.Error.PortalUnavailable"
    /// The video source went away during a share (the camera was unplugged, the cast ended).
    public static let sourceGone: DBusError.Name = "io.github.geminilive.Gateway1.Error.SourceGone"
}
