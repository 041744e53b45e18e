import Gateway
import GatewaySettings
import Logging
import ServiceLifecycle
import UnixSignals

/// Reads the configuration file again on each SIGHUP and applies what can change while the
/// daemon runs: the defaults of new sessions. A bad file is logged with its line, key and fix,
/// and the settings in force stay; a changed setting that only a restart applies is logged as such.
struct ConfigurationReloader: Service, CustomStringConvertible {
    /// SIGHUP, trapped before the daemon takes its bus name (an untrapped SIGHUP ends the process).
    let hangups: UnixSignalsSequence
    /// The configuration file.
    let file: ConfigurationFile
    /// The command line's options, which keep overriding the file.
    let commandLine: CommandLineSettings
    /// What the daemon started with.
    let running: DaemonSettings
    /// The gateway that gets the new defaults.
    let gateway: GatewayService
    /// Where each reload is reported.
    let logger: Logger

    /// How ServiceLifecycle names this service in its log (the default would print every field).
    var description: String { "ConfigurationReloader(\(file.path))" }

    func run() async {
        for await _ in hangups.cancelOnGracefulShutdown() {
            await reload()
        }
    }

    private func reload() async {
        let settings: DaemonSettings
        do {
            settings = commandLine.resolved(with: try file.load())
        } catch {
            logger.error("not reloaded, the previous settings stay: \(error)")
            return
        }
        for name in settings.needingRestart(comparedTo: running) {
            logger.warning("\(name) changed in \(file.path): it needs a restart to take effect")
        }
        await gateway.updateDefaults(settings.sessionDefaults, maxSessionsPerOwner: settings.maxSessionsPerOwner)
        logger.notice(
            "reloaded \(file.path): default model \(gateway.defaultModelID), at most \(settings.maxSessionsPerOwner) sessions per owner")
    }
}
