import BusTestSupport
import Foundation
import Gateway
import Testing

@Suite("scripts/install.sh and D-Bus activation")
struct InstallActivationTests {
    typealias G = GatewayHarness

    @Test("install into a temp PREFIX; with no daemon running, a busctl call to the name starts it; uninstall removes everything")
    func activation() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-install-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let prefix = scratch.appendingPathComponent("prefix").path
        let home = scratch.appendingPathComponent("home").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let environment = ["PATH": "/usr/bin:/bin", "HOME": home, "XDG_CONFIG_HOME": "\(home)/.config", "XDG_DATA_HOME": "\(home)/.local/share"]

        try await TestBus.with(serviceDirectories: ["\(prefix)/share/dbus-1/services"], environment: environment) { bus in
            let install = try await ClientTool.run(
                [projectRoot.appendingPathComponent("scripts/install.sh").path, prefix], bus: bus,
                environment: environment.merging(["GEMINI_LIVE_BIN_DIR": Daemon.binDirectory.path]) { $1 })
            #expect(install.status == 0, "\(install.stderr)")
            let activationFile = try String(contentsOfFile: "\(prefix)/share/dbus-1/services/\(G.name).service", encoding: .utf8)
            #expect(
                activationFile.contains("[D-BUS Service]\nName=\(G.name)\nExec=\(prefix)/bin/gemini-live-gateway --exit-when-idle 300\n"),
                "\(activationFile)")
            #expect(activationFile.contains("SystemdService=gemini-live-gateway.service"))
            let unit = try String(contentsOfFile: "\(prefix)/share/systemd/user/gemini-live-gateway.service", encoding: .utf8)
            #expect(unit.contains("ExecStart=\(prefix)/bin/gemini-live-gateway --exit-when-idle 300\n") && unit.contains("Type=dbus") && unit.contains("BusName=\(G.name)"))
            #expect(unit.contains("ExecReload=/bin/kill -HUP $MAINPID\n"))
            #expect(!unit.contains("@bindir@") && !activationFile.contains("@bindir@"))
            for xml in ["\(G.managerInterface).xml", "\(G.sessionInterface).xml"] {
                #expect(try String(contentsOfFile: "\(prefix)/share/dbus-1/interfaces/\(xml)", encoding: .utf8) == projectFile("dbus/\(xml)"))
            }
            #expect(FileManager.default.isExecutableFile(atPath: "\(prefix)/bin/gemini-live-gateway"))

            let before = try await bus.busctl("status", G.name)
            #expect(before.status != 0, "no gateway runs before the call")
            // The bus read its service directories before the install; have it read them again.
            _ = try await bus.busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "ReloadConfig")
            let activatable = try await bus.busctl("--json=short", "call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "ListActivatableNames")
            #expect(activatable.stdout.contains("\"\(G.name)\""), "\(activatable.stdout)")

            let listed = try await bus.busctl("call", G.name, G.manager, G.managerInterface, "ListSessions")
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(listed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ao 0")
            let status = try await bus.busctl("status", G.name)
            let pidLine = status.stdout.split(separator: "\n").first { $0.hasPrefix("PID=") }
            let pid = try #require(pidLine.flatMap { Int32($0.dropFirst(4)) }, "\(status.stdout)")
            let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")
            #expect(exe == "\(prefix)/bin/gemini-live-gateway", "the activated process is the installed binary")
            let notConfigured = try await G.startSessionError(on: bus)
            #expect(notConfigured?.name == "io.github.geminilive.Gateway1.Error.NotConfigured", "the activated daemon serves")

            kill(pid, SIGTERM)
            let released = await eventually { (try? await bus.busctl("status", G.name))?.status != 0 }
            if !released { kill(pid, SIGKILL) }
            #expect(released, "the activated daemon stops on SIGTERM")

            let uninstall = try await ClientTool.run(
                [projectRoot.appendingPathComponent("scripts/uninstall.sh").path, prefix], bus: bus, environment: environment)
            #expect(uninstall.status == 0, "\(uninstall.stderr)")
            let left = FileManager.default.enumerator(atPath: prefix)?.compactMap { $0 as? String }.filter {
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: "\(prefix)/\($0)", isDirectory: &isDirectory) && !isDirectory.boolValue
            }
            #expect(left == [], "uninstall removed every file: \(left ?? [])")
        }
    }
}

extension GatewayHarness {
    /// `gdbus call … StartSession {}` on `bus`: its error, if any.
    static func startSessionError(on bus: TestBus) async throws -> GDBusError? {
        GDBusError(try await bus.gdbusCall(dest: name, path: manager, method: "\(managerInterface).StartSession", ["@a{sv} {}"]))
    }
}
