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
        let statement = try db.cached("INSERT INTO pending_reprice (source, period, queued_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        for period in periods.map({ $0.sorted() }) ?? [Self.everyMonth] {
            _ = try statement.bind(source, period, now.iso8601).run()
        }
    }

    /// Queues pricing scopes (schema version 5's `pending_scopes`), inside the caller's transaction.
    public func enqueue(scopes: Set<UsageFactStore.Scope>) throws {
        guard !scopes.isEmpty else { return }
        let statement = try db.cached("INSERT INTO pending_scopes (account_key, meter_key, period) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        for scope in scopes {
            _ = try statement.bind(scope.account, scope.meter, scope.period).run()
        }
    }

    /// A read-only connection to this warehouse's file for reading queued scopes ahead, when one
    /// sees what this connection does: a file (not `:memory:`, not a server), in WAL mode (so its
    /// reads never block this connection's commit; https://www.sqlite.org/wal.html), and no
    /// transaction open here with writes the other could not see. Nil otherwise, or when no
    /// scope waits, and the scopes are read on this connection.
    func readerForScopes() throws -> Database? {
        guard db.remote == nil, !db.isInTransaction, !db.path.isEmpty, db.path != ":memory:", !db.path.hasPrefix("file:") else { return nil }
        guard try db.scalar("PRAGMA journal_mode")?.string?.lowercased() == "wal",
            try db.scalar("SELECT EXISTS (SELECT 1 FROM pending_scopes)")?.int64 == 1
        else { return nil }
        return try Database(path: db.path, mode: .readOnly)
    }

    /// Up to `limit` queued scopes after `cursor` in key order, each with its account's source: a
    /// seek on the primary key, so a backfill's scopes are read a batch at a time.
    func pendingScopes(after cursor: UsageFactStore.Scope, limit: Int) throws -> [(source: String, scope: UsageFactStore.Scope)] {
        try db.cached("""
            SELECT a.source, p.account_key, p.meter_key, p.period FROM pending_scopes p JOIN account_keys a ON a.account_key = p.account_key
            WHERE (p.account_key, p.meter_key, p.period) > (?, ?, ?)
            ORDER BY p.account_key, p.meter_key, p.period LIMIT ?
            """).bind(cursor.account, cursor.meter, cursor.period, limit)
            .map { ($0.string(0), UsageFactStore.Scope(account: $0.int64(1), meter: $0.int64(2), period: $0.string(3))) }
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

    /// How many (source, month) and scope entries wait; 0 when charges are up to date.
    public func count() throws -> Int {
        Int(try db.scalar("SELECT (SELECT count(*) FROM pending_reprice) + (SELECT count(*) FROM pending_scopes)")?.int64 ?? 0)
    }

    /// Reprices everything queued and empties the queue, in one transaction: whole months first,
    /// then each queued scope that no month repriced covers (a nightly load touches the scopes of
    /// the accounts it loaded, not every scope of the month). Queued scopes are read `batchSize`
    /// at a time.
    ///
    /// In a file, when the queue is drained in a transaction of its own (so what the loads wrote
    /// is committed, and another connection sees exactly what this one does), the queued scopes
    /// are read and priced on a second connection and thread while this one writes
    /// (`readerForScopes`).
    @discardableResult
    public func drain(config: WarehouseConfig, batchSize: Int = 10_000) throws -> RepriceSummary {
        let reader = try readerForScopes()
        return try db.transaction {
            var total = RepriceSummary()
            let repricer = Repricer(db: db, config: config)
            let months = try pending()
            for (source, periods) in months.sorted(by: { $0.key < $1.key }) {
                total.add(try repricer.repriceInTransaction(source: source, periods: periods))
            }
            // Then each queued scope that no month repriced covers, a batch at a time.
            var cursor = UsageFactStore.Scope(account: .min, meter: .min, period: "")
            func next() throws -> [UsageFactStore.Scope] {
                while true {
                    let batch = try pendingScopes(after: cursor, limit: max(1, batchSize))
                    guard let last = batch.last else { return [] }
                    cursor = last.scope
                    let uncovered = batch.filter { source, scope in
                        guard let covered = months[source] else { return true }
                        return covered.map { !$0.contains(scope.period) } ?? false
                    }
                    if !uncovered.isEmpty { return uncovered.map(\.scope) }
                }
            }
            let first = try next()
            if !first.isEmpty {
                total.add(try repricer.repriceInTransaction(scopes: first, reader: reader, then: next))
            }
            try db.run("DELETE FROM pending_reprice")
            try db.run("DELETE FROM pending_scopes")
            return total
        }
    }
}
