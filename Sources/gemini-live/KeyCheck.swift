import Foundation

/// The key part of `doctor`: GEMINI_API_KEY or the key file and its mode. The key is read only to pass it to the
/// model check; it is never printed.
struct KeyCheck {
    var check: DoctorCheck
    var key: String?

    static func defaultKeyFile(environment: [String: String]) -> String {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        return base + "/gemini-live-gateway/api-key"
    }

    static func run(environment: [String: String], keyFile: String?, backend: String?) -> KeyCheck {
        let simulator = backend?.hasPrefix("simulator ") == true
        if let value = environment["GEMINI_API_KEY"]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
            return KeyCheck(
                check: .ok("API key", "GEMINI_API_KEY is set here (the gateway needs it in its own environment)"),
                key: value)
        }
        let path = keyFile ?? defaultKeyFile(environment: environment)
        var info = stat()
        guard stat(path, &info) == 0 else {
            if simulator { return KeyCheck(check: .ok("API key", "not needed: the gateway runs the simulator"), key: nil) }
            return KeyCheck(
                check: .failed(
                    "API key", "no GEMINI_API_KEY and no key file at \(path)",
                    fix: "Write your key to \(path) and run: chmod 600 \(path) (then restart the gateway)."),
                key: nil)
        }
        if info.st_mode & 0o077 != 0 {
            return KeyCheck(
                check: .failed(
                    "API key", "the key file \(path) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8)))",
                    fix: "chmod 600 \(path)"),
                key: nil)
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return KeyCheck(
                check: .failed("API key", "cannot read the key file \(path)", fix: "Check its owner: it must be yours, mode 0600."),
                key: nil)
        }
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty else {
            return KeyCheck(check: .failed("API key", "the key file \(path) is empty", fix: "Write your key into it."), key: nil)
        }
        return KeyCheck(check: .ok("API key", "key file \(path), mode 600"), key: key)
    }
}
