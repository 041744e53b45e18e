import Foundation

/// One thing preflight found wrong (or doubtful) with a session before any byte was sent: what,
/// where, and how to fix it.
public struct PreflightIssue: Sendable, Hashable, CustomStringConvertible {
    /// Errors block the connection; warnings are reported and the connection goes ahead.
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    /// A stable identifier of the rule, e.g. `retired-model`.
    public var rule: String
    public var severity: Severity
    /// The field concerned, as a JSON path (`setup.generationConfig.responseModalities`).
    public var field: String
    /// What is wrong, in plain words.
    public var problem: String
    /// The next step that fixes it.
    public var fix: String

    public init(rule: String, severity: Severity = .error, field: String, problem: String, fix: String) {
        self.rule = rule
        self.severity = severity
        self.field = field
        self.problem = problem
        self.fix = fix
    }

    /// `problem` followed by `fix`.
    public var description: String { "\(field): \(problem) Fix: \(fix)" }
}

/// Preflight refused a session: the errors it found (warnings ride along).
public struct PreflightError: Error, Sendable, Hashable, CustomStringConvertible {
    public var issues: [PreflightIssue]

    public init(issues: [PreflightIssue]) {
        self.issues = issues
    }

    /// The blocking issues.
    public var errors: [PreflightIssue] { issues.filter { $0.severity == .error } }

    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}

/// All issues preflight found; ``throwIfBlocked()`` turns errors into a ``PreflightError``.
public struct PreflightReport: Sendable, Hashable {
    public var issues: [PreflightIssue]

    public init(issues: [PreflightIssue] = []) {
        self.issues = issues
    }

    public var errors: [PreflightIssue] { issues.filter { $0.severity == .error } }
    public var warnings: [PreflightIssue] { issues.filter { $0.severity == .warning } }

    /// Throws when any issue is an error.
    public func throwIfBlocked() throws(PreflightError) {
        if !errors.isEmpty { throw PreflightError(issues: issues) }
    }
}
