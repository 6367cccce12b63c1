import Config
import Extract
import Foundation

/// One condition the warehouse found that someone should hear about.
///
/// `key` names *what* the alert is about (rule, source and user, cost center and month, or org)
/// and stays the same from run to run; `fingerprint` names its *state* (the threshold crossed),
/// not its exact figures, so a budget that slips from 8.2 to 8.1 credits is the same state and
/// is not mailed again, while one that falls from under 50% to under 10% is a new one.
public struct Alert: Sendable, Equatable {
    public enum Rule: String, Sendable, CaseIterable {
        case userBudget = "user_budget"
        case userSpend = "user_spend"
        case storage
        case costCenter = "cost_center"
        case orgCredits = "org_credits"
        case anomaly

        /// A heading for people.
        public var title: String {
            switch self {
            case .userBudget: return "Credit budget"
            case .userSpend: return "Credits spent"
            case .storage: return "Storage credits"
            case .costCenter: return "Cost center budget"
            case .orgCredits: return "Organization credits"
            case .anomaly: return "Cost anomaly"
            }
        }
    }

    /// A labelled figure shown in the mail (exact decimal text).
    public struct Figure: Sendable, Equatable {
        public var label: String
        public var value: String
        public init(_ label: String, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    public var rule: Rule
    public var key: String
    /// The user name, cost center or org the alert is about.
    public var subject: String
    /// The user's own address, for rules about one user; nil for admin-only alerts.
    public var email: String?
    /// The user's full name, when known (for the greeting).
    public var fullName: String?
    public var fingerprint: String
    /// One sentence with the figures that matter.
    public var summary: String
    public var figures: [Figure]

    public init(rule: Rule, key: String, subject: String, email: String? = nil, fullName: String? = nil, fingerprint: String, summary: String, figures: [Figure]) {
        self.rule = rule
        self.key = key
        self.subject = subject
        self.email = email?.lowercased()
        self.fullName = fullName
        self.fingerprint = fingerprint
        self.summary = summary
        self.figures = figures
    }
}

/// What an alert run did, for the command's output and its exit code.
public struct AlertReport: Sendable {
    /// One message to one recipient: the alerts it carries and how it went.
    public struct Delivery: Sendable, Equatable {
        public enum Status: String, Sendable { case sent, failed, planned }
        public var recipient: String
        /// True for the administrators' digest, false for a user's own mail.
        public var digest: Bool
        public var alertKeys: [String]
        public var subject: String
        public var status: Status
        public var error: String?
        /// The message itself (kept for `--dry-run` to print).
        public var message: MailText
    }

    /// The parts of a message a person reads.
    public struct MailText: Sendable, Equatable {
        public var subject: String
        public var text: String
        public var html: String
    }

    /// Every alert in force now (sent or not).
    public var alerts: [Alert] = []
    public var deliveries: [Delivery] = []
    /// (alert key, recipient) pairs left out because they were already sent and nothing changed.
    public var suppressed = 0
    /// The `etl_runs` row of a run that notified; nil for a preview.
    public var runID: Int64?

    public var sent: Int { deliveries.count { $0.status == .sent } }
    public var failed: Int { deliveries.count { $0.status == .failed } }

    /// 0 everything went (or nothing was due), 3 some sends failed and will be retried next run.
    public var exitCode: Int32 { failed > 0 ? 3 : 0 }
}
