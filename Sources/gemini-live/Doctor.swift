import ArgumentParser
import DBusService
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `gemini-live doctor`: checks everything a session needs and says how to fix what is missing.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the bus, the gateway, PipeWire, WirePlumber, the key, the endpoint and the model.",
        discussion: """
            Each check prints ok, warning or FAILED, and a fix for anything not ok. The exit status is 1
            when a check failed. The API key is never printed.
            """)

    @OptionGroup var bus: BusOptions

    @Option(help: "The model to look up (default: the gateway's DefaultModel).")
    var model: String?

    @Option(name: .customLong("api-version"), help: "Gemini API version of the model metadata endpoint.")
    var apiVersion = "v1beta"

    @Option(name: .customLong("key-file"), help: "The key file to check (default: the configuration's, else $XDG_CONFIG_HOME/gemini-live-gateway/api-key).")
    var keyFile: String?

    @Flag(help: "Print a JSON array of checks.")
    var json = false

    func run() async throws {
        var checks: [DoctorCheck] = []
        let environment = ProcessInfo.processInfo.environment
        var gateway: GatewayFacts?
        do {
            let client = try await bus.connect()
            checks.append(.ok("session bus", bus.address ?? environment["DBUS_SESSION_BUS_ADDRESS"] ?? "reachable"))
            let (check, facts) = await Self.checkGateway(client)
            checks.append(check)
            gateway = facts
            await client.close()
        } catch {
            checks.append(
                .failed(
                    "session bus", "not reachable: \(error)",
                    fix: "Run inside a desktop session, or export DBUS_SESSION_BUS_ADDRESS (e.g. unix:path=$XDG_RUNTIME_DIR/bus), or pass --address."))
        }
        checks.append(await Self.checkPipeWire())
        checks.append(await Self.checkWirePlumber())
        let key = KeyCheck.run(environment: environment, keyFile: keyFile, backend: gateway?.backend)
        checks.append(key.check)
        checks.append(Self.checkEndpoint(gateway))
        if let gateway {
            checks.append(
                await ModelCheck.run(
                    model: model ?? gateway.defaultModel, backend: gateway.backend, apiVersion: apiVersion, key: key.key))
        } else {
            checks.append(.warning("model", "not checked: the gateway's endpoint is unknown", fix: "Fix the gateway first."))
        }
        if json {
            try Terminal.printJSON(checks)
        } else {
            let style = TextStyle(enabled: Terminal.usesColour)
            for check in checks {
                let status = switch check.status {
                case .ok: style.green("ok      ")
                case .warning: style.yellow("warning ")
                case .failed: style.red("FAILED  ")
                }
                Terminal.write("\(status)\(style.bold(check.name)): \(check.detail)\n")
                if let fix = check.fix { Terminal.write("        fix: \(fix)\n") }
            }
        }
        if checks.contains(where: { $0.status == .failed }) { throw ExitCode.failure }
    }

    /// What the gateway said about itself.
    struct GatewayFacts: Sendable {
        var version: String
        var backend: String
        var defaultModel: String
    }

    static func checkGateway(_ client: GatewayClient) async -> (DoctorCheck, GatewayFacts?) {
        let manager = GatewayClient.managerPath
        do {
            let properties = try await client.properties(manager, GatewayClient.managerInterface)
            let facts = GatewayFacts(
                version: properties["Version"]?.as(String.self) ?? "",
                backend: properties["Backend"]?.as(String.self) ?? "",
                defaultModel: properties["DefaultModel"]?.as(String.self) ?? "")
            return (.ok("gateway", "\(GatewayClient.busName) answers, version \(facts.version)"), facts)
        } catch {
            let activatable = (try? await client.connection.call(
                destination: "org.freedesktop.DBus", path: try DBusObjectPath("/org/freedesktop/DBus"),
                interface: "org.freedesktop.DBus", member: "ListActivatableNames"))
                .flatMap { $0.first?.as([String].self) }?.contains(GatewayClient.busName) ?? false
            if activatable {
                return (
                    .failed(
                        "gateway", "activatable but it did not answer: \(error.name.rawValue): \(error.message)",
                        fix: "Look at its log: journalctl --user -u gemini-live-gateway (or run gemini-live-gateway in a terminal)."),
                    nil)
            }
            return (
                .failed(
                    "gateway", "\(GatewayClient.busName) is not on the bus and not activatable (\(error.name.rawValue))",
                    fix: "Run scripts/install.sh (D-Bus activation and a systemd user unit), or start gemini-live-gateway (--simulator to try it without a key)."),
                nil)
        }
    }

    static func checkPipeWire() async -> DoctorCheck {
        guard let result = await ExternalCommand.run(["pw-cli", "info", "0"]) else {
            return .failed("PipeWire", "pw-cli could not run", fix: "Install pipewire-bin (scripts/install-deps.sh).")
        }
        guard result.status == 0, result.output.contains("id: 0") || result.output.contains("id 0") else {
            return .failed(
                "PipeWire", "no PipeWire server answered (pw-cli info 0: \(result.output.firstLine))",
                fix: "Start it: systemctl --user start pipewire pipewire.socket")
        }
        let version = result.output.split(separator: "\n")
            .first { $0.contains("version") }?.split(separator: "\"").dropFirst().first.map(String.init)
        return .ok("PipeWire", "the server answers" + (version.map { ", version \($0)" } ?? ""))
    }

    static func checkWirePlumber() async -> DoctorCheck {
        guard let result = await ExternalCommand.run(["pw-cli", "ls", "Metadata"]), result.status == 0 else {
            return .failed("WirePlumber", "cannot list PipeWire metadata", fix: "Fix PipeWire first.")
        }
        guard result.output.contains("metadata.name = \"default\"") else {
            return .failed(
                "WirePlumber", "no \"default\" metadata object: no session manager is running",
                fix: "Start it: systemctl --user start wireplumber")
        }
        return .ok("WirePlumber", "the \"default\" metadata object exists")
    }

    static func checkEndpoint(_ gateway: GatewayFacts?) -> DoctorCheck {
        guard let gateway else {
            return .warning("endpoint", "unknown: the gateway did not answer", fix: "Fix the gateway first.")
        }
        guard ModelCheck.httpBase(backend: gateway.backend) != nil else {
            return .failed(
                "endpoint", "the gateway reports Backend \"\(gateway.backend)\"",
                fix: "Set the endpoint in the configuration file ([endpoint] url) or with --endpoint, as ws:// or wss://.")
        }
        return .ok("endpoint", gateway.backend)
    }
}

extension String {
    var firstLine: String {
        split(separator: "\n").first.map(String.init) ?? ""
    }
}
