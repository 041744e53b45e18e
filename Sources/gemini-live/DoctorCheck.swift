/// The outcome of one `doctor` check.
struct DoctorCheck: Sendable, Encodable {
    /// How a check ended.
    enum Status: String, Sendable, Encodable {
        case ok
        case warning
        case failed
    }

    var name: String
    var status: Status
    var detail: String
    /// What to do about a warning or failure.
    var fix: String?

    static func ok(_ name: String, _ detail: String) -> DoctorCheck {
        DoctorCheck(name: name, status: .ok, detail: detail, fix: nil)
    }

    static func warning(_ name: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(name: name, status: .warning, detail: detail, fix: fix)
    }

    static func failed(_ name: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(name: name, status: .failed, detail: detail, fix: fix)
    }
}
