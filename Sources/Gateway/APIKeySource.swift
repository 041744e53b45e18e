import Foundation
import LiveProtocol

/// Where the gateway finds the API key: `GEMINI_API_KEY` in its environment, or a key file that
/// only its owner can read (mode 0600). Never the command line, never a log or a property.
public enum APIKeySource {
    /// Why a key file was refused.
    public struct KeyFileError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The default key file: `$XDG_CONFIG_HOME/gemini-live-gateway/api-key`.
    public static func defaultKeyFile(environment: [String: String]) -> String {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        return base + "/gemini-live-gateway/api-key"
    }

    /// The key from `GEMINI_API_KEY`, else from `keyFile` (explicit, or the default path when it
    /// exists). Nil when there is none.
    /// - Throws: ``KeyFileError`` when the file exists but is readable by others or unreadable.
    public static func load(environment: [String: String], keyFile: String?) throws -> Secret? {
        if let value = environment["GEMINI_API_KEY"]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
            return Secret(value)
        }
        let path = keyFile ?? defaultKeyFile(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else {
            if keyFile != nil { throw KeyFileError(description: "The key file \(path) does not exist.") }
            return nil
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw KeyFileError(description: "Cannot read the key file \(path): \(String(cString: strerror(errno))).")
        }
        if info.st_mode & 0o077 != 0 {
            throw KeyFileError(
                description:
                    "The key file \(path) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); run: chmod 600 \(path)")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw KeyFileError(description: "Cannot read the key file \(path) as UTF-8 text.")
        }
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty else { throw KeyFileError(description: "The key file \(path) is empty.") }
        return Secret(key)
    }
}
