import Config
import Foundation
import Load
import Transform
import WarehouseCore

/// The state of one `reprice` call.
struct RepriceRun {
    let db: Database
    let config: WarehouseConfig
    let now: String
    let pricer: ScopePricer
    let rules: CostCenterRules
    let effectiveRules: [CostCenterRule]
    var reference: ReferenceData
    var writer: ChargeWriter
    var names: FactNames
    var summary = RepriceSummary()

    init(db: Database, config: WarehouseConfig, now: String) throws {
        self.db = db
        self.config = config
        self.now = now
        pricer = ScopePricer(creditPrice: config.pricing.creditPrice, currency: config.currency)
        rules = config.costCenters
        effectiveRules = config.costCenters.effectiveRules
        reference = ReferenceData(db: db, config: config)
        writer = try ChargeWriter(db: db, now: now)
        names = FactNames(db: db)
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
        // charges of rows already visited change (probed by usage_id, one row at a time).
        try db.cached(Self.usageSQL(db.dialect)).bind(source.map { SQLValue.text($0) } ?? .null, bounds.0, bounds.1).forEachRow { row in
            let usage = try UsageRow(row, names: &names)
            if let last = scope.last, last.scopeKey != usage.scopeKey {
                try priceScope(scope)
                scope.removeAll(keepingCapacity: true)
            }
            scope.append(usage)
        }
        if !scope.isEmpty { try priceScope(scope) }
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
        guard let month = UTCTime.parseMonth(scope.period) else {
            throw RepriceError("queued scope period \"\(scope.period)\": expected YYYY-MM")
        }
        var rows: [UsageRow] = []
        try db.cached(Self.scopeSQL(db.dialect)).bind(scope.account, scope.meter, month.seconds, month.startOfNextMonth.seconds).forEachRow { row in
            rows.append(try UsageRow(row, names: &names))
        }
        if rows.isEmpty {
            let account = try names.account(scope.account)
            let meter = try names.meter(scope.meter)
            try writer.deleteScope(ScopeKey(source: account.source, account: account.canonical, meter: meter.canonical, period: scope.period))
        } else {
            try priceScope(rows)
        }
    }

    mutating func priceScope(_ rows: [UsageRow]) throws {
        guard let first = rows.first else { return }
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
        try writer.write(scope: key, rows: rows, price: price, costCenters: names)
        summary.scopes += 1
        summary.charges += rows.count
        if price.hasUnpricedLines { summary.unpricedScopes += 1 }
    }

    mutating func finish() throws {
        try writer.refreshCostCenters()
    }
}
