import Config
import Foundation
import Load
import Transform
import WarehouseCore

/// What one `reprice` covered.
public struct RepriceSummary: Sendable, Equatable {
    /// Pricing scopes (source, account, meter, month) priced.
    public var scopes: Int
    /// Usage rows covered, one charge each (priced or unpriced, changed or not).
    public var charges: Int
    /// Scopes with at least one usage row no rate prices (see the `unpriced_usage` view).
    public var unpricedScopes: Int

    public init(scopes: Int = 0, charges: Int = 0, unpricedScopes: Int = 0) {
        self.scopes = scopes
        self.charges = charges
        self.unpricedScopes = unpricedScopes
    }

    /// Adds another reprice's counts to these.
    public mutating func add(_ other: RepriceSummary) {
        scopes += other.scopes
        charges += other.charges
        unpricedScopes += other.unpricedScopes
    }
}

/// Usage the repricer cannot read (a quantity that is not a number, a date that is not one).
public struct RepriceError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Turns `usage` and `rates` into `charge_scopes`, `charges` and `cost_centers` (DESIGN.md §4-§5).
///
/// One pass over the usage of the periods asked for, in scope order (source, account, meter,
/// start; the `usage_by_scope` index), holding one scope in memory at a time; rate cards, offer
/// terms, user tags and customers are read once per meter, source, user or subscription and
/// cached. Each scope is priced by `ScopePricer` and compared with what the tables already hold:
/// only rows that differ are written, and `priced_at` moves only when its scope changed, so
/// repricing unchanged data changes nothing.
public struct Repricer {
    let db: Database
    let config: WarehouseConfig

    public init(db: Database, config: WarehouseConfig) {
        self.db = db
        self.config = config
    }

    /// Reprices every (source, account, meter, period) scope with usage in `periods` (nil = all)
    /// of `source` (nil = all), rewriting charge_scopes, charges and cost_centers for them.
    /// Runs inside the caller's transaction (as a savepoint; in one of its own when there is none),
    /// so a failure leaves the tables as they were.
    @discardableResult
    public func reprice(source: String?, periods: Set<String>?) throws -> RepriceSummary {
        try db.transaction { try repriceInTransaction(source: source, periods: periods) }
    }

    /// `reprice` in the caller's open transaction, without a savepoint of its own, for a caller
    /// that rolls its whole transaction back on failure anyway (`RepriceQueue.drain`): inside a
    /// savepoint every statement journals the pages it touches, a million `pwrite`s per million
    /// charges on disk and time quadratic in the savepoint's size in memory.
    func repriceInTransaction(source: String?, periods: Set<String>?) throws -> RepriceSummary {
        precondition(db.isInTransaction, "repriceInTransaction runs inside the caller's transaction")
        try db.lockForTransaction("reprice")
        let ranges = try Self.ranges(periods)
        var run = try RepriceRun(db: db, config: config, now: UTCTime.now().iso8601)
        for range in ranges {
            try run.reprice(source: source, from: range.from, to: range.to)
        }
        try run.finish()
        return run.summary
    }

    /// Reprices the scopes queued by loads, `first` and then each batch `next` gives until an
    /// empty one, inside the caller's transaction like `repriceInTransaction(source:periods:)`; a
    /// scope left without usage loses its scope row and rollup rows. One batch is held at a time,
    /// and the run keeps no set of the scopes it priced (only a month's reprice needs one, to find
    /// the scopes whose usage is gone), so memory stays flat however many scopes a backfill queues.
    ///
    /// With `reader`, another connection to the same file that sees what this one does (nothing
    /// this transaction wrote yet is read), the scopes are read and priced on a second thread
    /// through it while this one writes their charges (`ScopeReading`, `Prefetcher`).
    func repriceInTransaction(
        scopes first: [UsageFactStore.Scope], reader: Database? = nil, then next: () throws -> [UsageFactStore.Scope]
    ) throws -> RepriceSummary {
        precondition(db.isInTransaction, "repriceInTransaction runs inside the caller's transaction")
        try db.lockForTransaction("reprice")
        var run = try RepriceRun(db: db, config: config, now: UTCTime.now().iso8601)
        run.writer.remembersScopes = false
        let ahead = reader.map { ReadingAhead(ScopeReading(db: $0, config: config)) }
        var batch = first
        while !batch.isEmpty {
            if let ahead {
                let scopes = batch
                let prefetch = Prefetcher<ReadScope>(count: scopes.count, depth: 256) { try ahead.read(scopes[$0]) }
                defer { prefetch.stop() }
                for index in scopes.indices {
                    try run.write(prefetch.take(index).get())
                }
            } else {
                for scope in batch {
                    try run.reprice(scope: scope)
                }
            }
            batch = try next()
        }
        try run.finish()
        return run.summary
    }

    /// Text bounds of each period: usage_start >= "2026-10" and < "2026-11" is October.
    static func ranges(_ periods: Set<String>?) throws -> [(from: String, to: String)] {
        guard let periods else { return [("", "~")] }
        return try periods.sorted().map { period in
            guard let start = UTCTime.parseMonth(period), start.month == period else {
                throw RepriceError("period \"\(period)\": expected YYYY-MM")
            }
            return (period, start.startOfNextMonth.month)
        }
    }
}

/// A `ScopeReading` handed to the thread that reads ahead.
///
/// `@unchecked Sendable`: one `Prefetcher` thread at a time uses it (each batch's thread has
/// produced its last scope before the writer takes it, and only then is the next batch's started),
/// and its connection is used by no other thread meanwhile.
final class ReadingAhead: @unchecked Sendable {
    private var reading: ScopeReading

    init(_ reading: ScopeReading) { self.reading = reading }

    func read(_ scope: UsageFactStore.Scope) throws -> ReadScope { try reading.read(scope) }
}
