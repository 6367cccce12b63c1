import Extract
import Foundation
import Load
import WarehouseCore

/// The no-spam rule, kept in `alert_deliveries` (migration 3).
///
/// An alert goes to a recipient when that recipient has no `sent` row for its key with the same
/// fingerprint, or the last such row is at least a cool-down old. Failed attempts do not count,
/// so the next run retries them. Each message's rows are written in their own transaction right
/// after the server answered, so a run that stops half-way has recorded exactly what went out,
/// and the next run sends only the rest.
struct AlertLedger {
    let db: Database
    let cooldown: Int64

    /// When `recipient` was last sent `key` in state `fingerprint`, if ever.
    func lastSent(key: String, recipient: String, fingerprint: String) throws -> UTCTime? {
        let text = try db.cached("""
            SELECT max(sent_at) FROM alert_deliveries
            WHERE alert_key = ?1 AND recipient = ?2 AND fingerprint = ?3 AND status = 'sent'
            """).bind(key, recipient, fingerprint).first { $0.optionalString(0) } ?? nil
        return text.flatMap { UTCTime.parse($0) }
    }

    func isDue(_ alert: Alert, to recipient: String, now: UTCTime) throws -> Bool {
        guard let last = try lastSent(key: alert.key, recipient: recipient, fingerprint: alert.fingerprint) else { return true }
        return now.seconds - last.seconds >= cooldown
    }

    /// Records one message's outcome for every alert it carried, in one transaction.
    func record(_ alerts: [Alert], to recipient: String, channel: String, at time: UTCTime, runID: Int64?, error: String?) throws {
        try db.transaction {
            for alert in alerts {
                try db.run(
                    """
                    INSERT INTO alert_deliveries (run_id, alert_key, recipient, fingerprint, sent_at, status, channel, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    runID, alert.key, recipient, alert.fingerprint, time.iso8601,
                    error == nil ? "sent" : "failed", channel, error)
            }
        }
    }
}
