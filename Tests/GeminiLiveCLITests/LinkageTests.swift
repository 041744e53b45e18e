import BusTestSupport
import Foundation
import Testing

/// What the built executables link, read with `ldd`: the CLI talks to the gateway over D-Bus only, so it links no
/// HTTP or TLS library, and neither it nor the daemon parses XML at run time.
@Suite("the built executables link only what their layer needs (ldd)")
struct LinkageTests {
    /// The shared libraries `ldd` lists for `executable`, by file name (e.g. `libdbus-1.so.3`).
    static func sharedLibraries(of executable: String) async throws -> [String] {
        let result = try await ClientTool.run(
            ["ldd", executable], in: FileManager.default.temporaryDirectory, environment: ["PATH": "/usr/bin:/bin"])
        guard result.status == 0 else { throw TestBusError("ldd \(executable) failed: \(result.stderr)") }
        return result.stdout.split(separator: "\n").compactMap { line in
            line.split(whereSeparator: \.isWhitespace).first.map { String($0.split(separator: "/").last ?? $0) }
        }
    }

    static func executable(_ name: String) -> String {
        URL(fileURLWithPath: CLIHarness.executable).deletingLastPathComponent().appendingPathComponent(name).path
    }

    @Test("gemini-live links neither libcurl nor the system OpenSSL (libssl, libcrypto)")
    func cliLinksNoNetworkStack() async throws {
        let libraries = try await Self.sharedLibraries(of: CLIHarness.executable)
        #expect(libraries.contains { $0.hasPrefix("libdbus-1.so") }, "ldd reads the binary: \(libraries)")
        for forbidden in ["libcurl", "libssl", "libcrypto"] {
            #expect(!libraries.contains { $0.hasPrefix(forbidden) }, "\(forbidden) in \(libraries)")
        }
    }

    @Test("the daemon and the CLI link no XML parser (libxml2): the interface tables are generated at build time")
    func noXMLParserAtRunTime() async throws {
        for name in ["gemini-live-gateway", "gemini-live"] {
            let libraries = try await Self.sharedLibraries(of: Self.executable(name))
            #expect(libraries.contains { $0.hasPrefix("libdbus-1.so") }, "\(name): \(libraries)")
            for forbidden in ["libxml2", "libFoundationXML", "libcurl", "libFoundationNetworking"] {
                #expect(!libraries.contains { $0.hasPrefix(forbidden) }, "\(name) links \(forbidden): \(libraries)")
            }
        }
    }
}
