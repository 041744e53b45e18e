/// Why the local Live endpoint cannot listen.
public enum LocalEndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A file or directory it needs cannot be made private to the user.
    case unusable(path: String, problem: String)
    /// Another process serves the socket already (a second gateway of the same user).
    case socketInUse(path: String)

    public var description: String {
        switch self {
        case .unusable(let path, let problem):
            "The local Live endpoint cannot use \(path): \(problem). Fix its owner and mode (the directory 0700, the token 0600), or remove it."
        case .socketInUse(let path):
            "Another process already serves the local Live endpoint at \(path) (another gateway of this user?); stop it first."
        }
    }
}
