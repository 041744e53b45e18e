import ArgumentParser
import DBusService
import Foundation

/// `gemini-live doctor`: checks everything a session needs and says how to fix what is missing.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the bus, the gateway, PipeWire, WirePlumber, the endpoint, the key and the model.",
        discussion: """
            Each check prints ok, warning or FAILED, and a fix for anything not ok. The exit status is 1
            when a check failed. The endpoint, key and model checks are the gateway's CheckService: the
            gateway asks the service with its own key, which never reaches this command.
            """)

    @OptionGroup var bus: BusOptions

    @Option(help: "The model to look up (default: the gateway's DefaultModel).")
    var model: String?

    @Flag(help: "Print a JSON array of checks.")
    var json = false

    func run() async throws {
        var checks: [DoctorCheck] = []
        let environment = ProcessInfo.processInfo.environment
        var gateway: GatewayFacts?
        var gatewayClient: GatewayClient?
        do {
            let client = try await bus.connect()
            gatewayClient = client
            checks.append(.ok("session bus", bus.address ?? environment["DBUS_SESSION_BUS_ADDRESS"] ?? "reachable"))
            let (check, facts) = await Self.checkGateway(client)
            checks.append(check)
            gateway = facts
        } catch {
            checks.append(
                .failed(
                    "session bus", "not reachable: \(error)",
                    fix: "Run inside a desktop session, or export DBUS_SESSION_BUS_ADDRESS (e.g. unix:path=$XDG_RUNTIME_DIR/bus), or pass --address."))
        }
        checks.append(await Self.checkPipeWire())
        checks.append(await Self.checkWirePlumber())
        if let gateway, let client = gatewayClient {
            checks.append(contentsOf: await Self.checkService(client, model: model ?? gateway.defaultModel))
        } else {
            for name in ["endpoint", "API key", "model"] {
                checks.append(.warning(name, "not checked: the gateway did not answer", fix: "Fix the gateway first."))
            }
        }
        await gatewayClient?.close()
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

    /// The endpoint, key and model checks: the gateway's `CheckService` reply as three checks.
    static func checkService(_ client: GatewayClient, model: String) async -> [DoctorCheck] {
        let arguments: [DBusValue] = [
            .dictionary(key: .string, value: .variant, model.isEmpty ? [:] : [.string("model"): .variant(.string(model))])
        ]
        let reply: [String: DBusValue]
        do {
            reply = GatewayClient.stringKeyed(
                try await client.callRaw(GatewayClient.managerPath, GatewayClient.managerInterface, "CheckService", arguments)
                    .first)
        } catch {
            let fix = error.name == .unknownMethod
                ? "This gateway predates CheckService: update and restart it."
                : "Look at the gateway's log (journalctl --user -u gemini-live-gateway)."
            let detail = "CheckService failed: \(error.name.rawValue): \(error.message)"
            return ["endpoint", "API key", "model"].map { DoctorCheck.failed($0, detail, fix: fix) }
        }
        func finding(_ name: String) -> (holds: Bool, detail: String, fix: String?) {
            (reply[name]?.as(Bool.self) ?? false, reply["\(name)_detail"]?.as(String.self) ?? "(no detail)",
             reply["\(name)_fix"]?.as(String.self))
        }
        func check(_ label: String, _ findings: [String]) -> DoctorCheck {
            let seen = findings.map(finding)
            let failing = seen.filter { !$0.holds }
            guard !failing.isEmpty else { return .ok(label, seen.map(\.detail).joined(separator: "; ")) }
            return .failed(
                label, failing.map(\.detail).joined(separator: "; "),
                fix: failing.compactMap(\.fix).first ?? "See docs/troubleshooting.md.")
        }
        var endpoint = check("endpoint", ["reachable"])
        if let backend = reply["backend"]?.as(String.self) { endpoint.detail = "\(backend): \(endpoint.detail)" }
        return [endpoint, check("API key", ["key_accepted"]), check("model", ["model_served", "model_known"])]
    }
}

extension String {
    var firstLine: String {
        split(separator: "\n").first.map(String.init) ?? ""
    }
}
