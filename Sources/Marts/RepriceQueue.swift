import Config
import Foundation
import Load
import WarehouseCore

/// The repricing queue (`pending_reprice`, schema version 2): which billing months of which
/// source have facts newer than their charges.
///
/// A load queues what it touched in its own transaction; `drain` re-derives the charges of
/// everything queued and empties the queue in one transaction. So a process killed between the
/// two leaves the months queued, never forgotten, and whoever drains next (the next `import`,
/// `etl` or `rebuild`) finishes the work; repricing twice changes nothing.
public struct RepriceQueue {
    let db: Database

    public init(db: Database) { self.db = db }

    /// The wildcard period: every month of the source.
    public static let everyMonth = "*"

    /// Queues `periods` (`YYYY-MM`; nil = every month) of `source`, inside the caller's transaction.
    public func enqueue(source: String, periods: Set<String>?, now: UTCTime = .now()) throws {
        let statement = try db.cached("INSERT OR IGNORE INTO pending_reprice (source, period, queued_at) VALUES (?, ?, ?)")
        for period in periods.map({ $0.sorted() }) ?? [Self.everyMonth] {
            _ = try statement.bind(source, period, now.iso8601).run()
        }
    }

    /// What is queued: source → months (nil = every month).
    public func pending() throws -> [String: Set<String>?] {
        var result: [String: Set<String>?] = [:]
        for (source, period) in try db.prepare("SELECT source, period FROM pending_reprice ORDER BY source, period").map({ ($0.string(0), $0.string(1)) }) {
            if period == Self.everyMonth {
                result[source] = .some(nil)
            } else if case .some(.some(var months)) = result[source] {
                months.insert(period)
                result[source] = .some(months)
            } else if result[source] == nil {
                result[source] = .some([period])
            }
        }
        return result
    }

    /// How many (source, month) entries wait; 0 when charges are up to date.
    public func count() throws -> Int {
        Int(try db.scalar("SELECT count(*) FROM pending_reprice")?.int64 ?? 0)
    }

    /// Reprices everything queued and empties the queue, in one transaction.
    @discardableResult
    public func drain(config: WarehouseConfig) throws -> RepriceSummary {
        try db.transaction {
            var total = RepriceSummary()
            let repricer = Repricer(db: db, config: config)
            for (source, periods) in try pending().sorted(by: { $0.key < $1.key }) {
                total.add(try repricer.repriceInTransaction(source: source, periods: periods))
            }
            try db.run("DELETE FROM pending_reprice")
            return total
        }
    }
}
