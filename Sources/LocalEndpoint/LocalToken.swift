import Foundation
import LiveProtocol

/// The per-user token a TCP client of the local endpoint sends as its API key: 32 random bytes in
/// hex, kept in a file of mode 0600 in the endpoint's private directory, so only the user (and
/// root) can read it. An existing file of the right owner and mode is reused (clients keep
/// working across gateway restarts); anything else is replaced.
public enum LocalToken {
    /// Creates `directory` (mode 0700) if needed and returns the token in `path`, made anew when
    /// missing or unusable.
    /// - Throws: ``LocalEndpointError`` when the directory or the file cannot be made private.
    public static func load(directory: String, path: String) throws(LocalEndpointError) -> Secret {
        try makePrivateDirectory(directory)
        if let existing = try? readPrivate(path) { return existing }
        let token = Secret("glg-" + randomHex(bytes: 32))
        unlink(path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw .unusable(path: path, problem: "cannot create it (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        let bytes = Array((token.revealed + "\n").utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else {
            throw .unusable(path: path, problem: "cannot write it (\(String(cString: strerror(errno))))")
        }
        return token
    }

    /// Makes `directory` exist as a directory of this user with mode 0700.
    static func makePrivateDirectory(_ directory: String) throws(LocalEndpointError) {
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw .unusable(path: directory, problem: "cannot create it (\(String(cString: strerror(errno))))")
        }
        // attributesOfItem does not follow a symbolic link (lstat).
        let attributes = (try? FileManager.default.attributesOfItem(atPath: directory)) ?? [:]
        guard attributes[.type] as? FileAttributeType == .typeDirectory else {
            throw .unusable(path: directory, problem: "it is not a directory")
        }
        let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value
        guard owner == getuid() else {
            throw .unusable(path: directory, problem: "it belongs to user \(owner.map(String.init) ?? "?"), not to this user (\(getuid()))")
        }
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
        if mode & 0o777 != 0o700, chmod(directory, 0o700) != 0 {
            throw .unusable(path: directory, problem: "cannot make it private (chmod 700)")
        }
    }

    /// The token in `path` if the file is a regular file of this user with mode 0600.
    private static func readPrivate(_ path: String) throws -> Secret? {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        guard attributes[.type] as? FileAttributeType == .typeRegular,
            (attributes[.ownerAccountID] as? NSNumber)?.uint32Value == getuid(),
            ((attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0) & 0o777 == 0o600
        else { return nil }
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("glg-"), text.utf8.count == 68 else { return nil }
        return Secret(text)
    }

    private static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// True when `presented` is `token`, compared in constant time.
    static func matches(_ presented: String, _ token: Secret) -> Bool {
        let a = Array(presented.utf8)
        let b = Array(token.revealed.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
