import Config
import Foundation
import Load
import Transform
import WarehouseCore

/// The state of one `reprice` call: a scope is read and priced (`ScopeReading`), then written
/// (`ChargeWriter`).
struct RepriceRun {
    let db: Database
    var reading: ScopeReading
    var writer: ChargeWriter
    var summary = RepriceSummary()

    init(db: Database, config: WarehouseConfig, now: String) throws {
        self.db = db
        reading = ScopeReading(db: db, config: config)
        writer = try ChargeWriter(db: db, now: now)
    }

    /// How a usage row finds its charge. On PostgreSQL by the distribution column too, so on Citus
    /// the join stays on the account's shard (`PostgresSchemaTests` checks the plan).
    static func chargeJoin(_ dialect: SQLDialect) -> String {
        dialect == .sqlite ? "c.usage_id = f.usage_id" : "c.account_key = f.account_key AND c.usage_id = f.usage_id"
    }

    /// The usage of one period range (seconds), with each row's current charge, in scope order:
    /// the order of `usage_facts`' natural key, led by (account, meter, start).
    static func usageSQL(_ dialect: SQLDialect) -> String {
        """
        SELECT f.usage_id, f.account_key, f.meter_key, f.resource_key, f.usage_start, f.usage_end, f.quantity, f.detail_key,
               f.cost, f.cost_currency,
               c.usage_id IS NOT NULL, c.period, c.name_key, c.amount_micros, c.currency
        FROM usage_facts f LEFT JOIN charge_facts c ON \(chargeJoin(dialect))
        WHERE f.usage_start >= ?2 AND f.usage_start < ?3
          AND (CAST(?1 AS TEXT) IS NULL OR f.account_key IN (SELECT account_key FROM account_keys WHERE source = ?1))
        ORDER BY f.account_key, f.meter_key, f.usage_start
        """
    }

    mutating func reprice(source: String?, from: String, to: String) throws {
        var scope: [UsageRow] = []
        let bounds = (UTCTime.parseMonth(from)?.seconds ?? Int64.min, UTCTime.parseMonth(to)?.seconds ?? Int64.max)
        // Each scope is priced and written as soon as the scan leaves it. Writing while the scan
        // is open is safe here: the scan drives on `usage_facts`, which is not written, and only
        // charges of rows already visited change (by usage_id, a scope's at a time).
        try db.cached(Self.usageSQL(db.dialect)).bind(source.map { SQLValue.text($0) } ?? .null, bounds.0, bounds.1).forEachRow { row in
            let usage = try UsageRow(row, names: &reading.names)
            if let last = scope.last, last.scopeKey != usage.scopeKey {
                try write(reading.price(scope))
                scope.removeAll(keepingCapacity: true)
            }
            scope.append(usage)
        }
        if !scope.isEmpty { try write(reading.price(scope)) }
        try writer.deleteStaleScopes(source: source, from: from, to: to)
    }

    /// The usage of one scope, as `usageSQL` reads it: one range of the natural-key index.
    static func scopeSQL(_ dialect: SQLDialect) -> String {
        """
        SELECT f.usage_id, f.account_key, f.meter_key, f.resource_key, f.usage_start, f.usage_end, f.quantity, f.detail_key,
               f.cost, f.cost_currency,
               c.usage_id IS NOT NULL, c.period, c.name_key, c.amount_micros, c.currency
        FROM usage_facts f LEFT JOIN charge_facts c ON \(chargeJoin(dialect))
        WHERE f.account_key = ?1 AND f.meter_key = ?2 AND f.usage_start >= ?3 AND f.usage_start < ?4
        ORDER BY f.account_key, f.meter_key, f.usage_start
        """
    }

    /// Reprices one queued scope: its rows, or when it has none any more, its stale rows dropped.
    mutating func reprice(scope: UsageFactStore.Scope) throws {
        try write(reading.read(scope))
    }

    /// Writes what reading a scope gave: its charges, rollup and scope row, or its removal.
    mutating func write(_ scope: ReadScope) throws {
        switch scope {
        case .gone(let key):
            try writer.deleteScope(key)
        case .priced(let priced):
            try writer.write(scope: priced.key, rows: priced.rows, price: priced.price, costCenters: priced.costCenters)
            summary.scopes += 1
            summary.charges += priced.rows.count
            if priced.price.hasUnpricedLines { summary.unpricedScopes += 1 }
        }
    }

    mutating func finish() throws {
        try writer.refreshCostCenters()
    }
}

/// A scope read and priced, ready to be written.
struct PricedScope: Sendable {
    let key: ScopeKey
    let rows: [UsageRow]
    let price: ScopePrice
    /// Each row's cost center, in row order.
    let costCenters: [String]
}

/// What reading one queued scope gave.
enum ReadScope: Sendable {
    case priced(PricedScope)
    /// The scope has no usage any more: its scope and rollup rows go.
    case gone(ScopeKey)
}

/// The reading half of a reprice: a scope's usage rows read, priced and given their cost centers,
/// through `db`, which writes nothing. So it may be another connection to the same file, on
/// another thread, while the first writes charges (`Repricer.repriceInTransaction(scopes:…)`).
struct ScopeReading {
    let db: Database
    let pricer: ScopePricer
    let rules: CostCenterRules
    let effectiveRules: [CostCenterRule]
    var reference: ReferenceData
    var names: FactNames

    init(db: Database, config: WarehouseConfig) {
        self.db = db
        pricer = ScopePricer(creditPrice: config.pricing.creditPrice, currency: config.currency)
        rules = config.costCenters
        effectiveRules = config.costCenters.effectiveRules
        reference = ReferenceData(db: db, config: config)
        names = FactNames(db: db)
    }

    /// One queued scope's rows, read and priced; `.gone` when it has none any more.
    mutating func read(_ scope: UsageFactStore.Scope) throws -> ReadScope {
        guard let month = UTCTime.parseMonth(scope.period) else {
            throw RepriceError("queued scope period \"\(scope.period)\": expected YYYY-MM")
        }
        var rows: [UsageRow] = []
        try db.cached(RepriceRun.scopeSQL(db.dialect)).bind(scope.account, scope.meter, month.seconds, month.startOfNextMonth.seconds)
            .forEachRow { row in rows.append(try UsageRow(row, names: &names)) }
        guard !rows.isEmpty else {
            let account = try names.account(scope.account)
            let meter = try names.meter(scope.meter)
            return .gone(ScopeKey(source: account.source, account: account.canonical, meter: meter.canonical, period: scope.period))
        }
        return try price(rows)
    }

    /// One scope's rows (at least one) priced, with each row's cost center.
    mutating func price(_ rows: [UsageRow]) throws -> ReadScope {
        let first = rows[0]
        let key = first.scopeKey
        let lines = rows.map(\.line)
        let schedule = try reference.schedule(source: first.source, meter: key.meter)
        let terms = try reference.offerTerms(source: first.source)
        let periodStart = key.period + "-01"
        let price = pricer.price(lines, schedule: schedule) { currency in
            OfferTerm.discount(terms, meterID: key.meter, currency: currency, periodStart: periodStart)
        }
        var names: [String] = []
        names.reserveCapacity(rows.count)
        for row in rows {
            names.append(try reference.costCenter(for: row, rules: rules, effective: effectiveRules))
        }
        return .priced(PricedScope(key: key, rows: rows, price: price, costCenters: names))
    }
}
