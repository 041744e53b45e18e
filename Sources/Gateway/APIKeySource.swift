import Foundation
import LiveProtocol
import Logging

/// Where the gateway finds the API key, first match wins: `GEMINI_API_KEY` in its environment, a key file that only
/// its owner can read (mode 0600), then the freedesktop Secret Service (``SecretServiceKeySource``). Never the
/// command line, never a log or a property.
public enum APIKeySource {
    /// Why a key file was refused.
    public struct KeyFileError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Where a key came from; printable, unlike the key.
    public enum Origin: Sendable, Hashable, CustomStringConvertible {
        /// `GEMINI_API_KEY`.
        case environment
        /// The key file at this path.
        case keyFile(String)
        /// The Secret Service item at this object path.
        case secretService(item: String)

        /// E.g. `the key file /home/u/.config/gemini-live-gateway/api-key`.
        public var description: String {
            switch self {
            case .environment: "GEMINI_API_KEY"
            case .keyFile(let path): "the key file \(path)"
            case .secretService(let item): "the Secret Service item \(item)"
            }
        }
    }

    /// A key and where it came from.
    public struct LoadedKey: Sendable {
        /// The key.
        public var key: Secret
        /// Its source.
        public var origin: Origin
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
        try loadFromEnvironmentOrFile(environment: environment, keyFile: keyFile)?.key
    }

    /// The key from `GEMINI_API_KEY`, else from `keyFile` (as ``load(environment:keyFile:)``), else from
    /// `secretService` when given. A Secret Service without the key is no error: why it gave none is logged (at
    /// info level; the reason never holds a secret) and the answer is nil.
    /// - Throws: ``KeyFileError`` when a key file is refused (the Secret Service is not asked then).
    public static func load(
        environment: [String: String], keyFile: String?, secretService: SecretServiceKeySource?, logger: Logger
    ) async throws -> LoadedKey? {
        if let loaded = try loadFromEnvironmentOrFile(environment: environment, keyFile: keyFile) { return loaded }
        guard let secretService else { return nil }
        switch await secretService.lookup(logger: logger) {
        case .found(let key, let item):
            return LoadedKey(key: key, origin: .secretService(item: item))
        case .absent(let reason):
            logger.info("No API key from the Secret Service: \(reason)")
            return nil
        }
    }

    private static func loadFromEnvironmentOrFile(environment: [String: String], keyFile: String?) throws -> LoadedKey? {
        if let value = environment["GEMINI_API_KEY"]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
            return LoadedKey(key: Secret(value), origin: .environment)
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
        return LoadedKey(key: Secret(key), origin: .keyFile(path))
    }
}
