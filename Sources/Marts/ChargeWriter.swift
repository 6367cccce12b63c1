import Foundation
import Load
import Transform
import WarehouseCore

/// Writes priced scopes, charges, their `invoice_rollup` rows and cost centers, touching only rows
/// whose values changed.
struct ChargeWriter {
    let db: Database
    let now: String
    /// Cost-center keys present in `cost_centers` (charges reference them).
    private var knownKeys: Set<String> = []
    /// `cost_center_names` keys of the spellings seen.
    private var nameKeys: [String: Int64] = [:]
    /// Scopes priced in this run, to find the ones whose usage is gone (`deleteStaleScopes`).
    private var seen: Set<ScopeKey> = []
    /// Whether `seen` is kept: not when queued scopes are repriced one by one (`deleteScope`
    /// handles theirs), where it would grow with every scope of a backfill.
    var remembersScopes = true

    /// `upsertCharges(fileBatchLimit)` (or on a server `upsertDistributedCharges`), held rather than looked up per batch (`Database.cached` hashes the SQL text).
    private let chargeStatement: Statement

    init(db: Database, now: String) throws {
        self.db = db
        self.now = now
        chargeStatement = try db.cached(db.dialect == .sqlite ? Self.upsertCharges(Self.fileBatchLimit) : Self.upsertDistributedCharges)
        knownKeys = Set(try db.cached("SELECT cost_center_key FROM cost_centers").map { $0.string(0) })
    }

    /// Charges per statement in a file: SQLite's per-statement work paid once for many rows.
    static let fileBatchLimit = 64

    /// The upsert of `rows` charges at once into a file's `charge_facts` (usage ids distinct).
    static func upsertCharges(_ rows: Int) -> String {
        "INSERT INTO charge_facts (usage_id, period, name_key, amount_micros, currency) VALUES "
            + Array(repeating: "(" + Array(repeating: "?", count: chargeValueCount).joined(separator: ", ") + ")", count: rows)
            .joined(separator: ", ")
            + """

            ON CONFLICT (usage_id) DO UPDATE SET period = excluded.period, name_key = excluded.name_key,
                amount_micros = excluded.amount_micros, currency = excluded.currency
            """
    }

    /// `upsertCharges` on PostgreSQL, whose `charge_facts` carries the distribution column
    /// (`account_key`) in its key, as Citus requires (`PostgresSchema.distributed`); a scope's
    /// changed charges at once, one array per column (`writeCharges`).
    static let upsertDistributedCharges = """
        INSERT INTO charge_facts (usage_id, period, name_key, amount_micros, currency, account_key)
        SELECT * FROM unnest(CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS text[]),
            CAST(? AS bigint[]))
        ON CONFLICT (account_key, usage_id) DO UPDATE SET period = excluded.period, name_key = excluded.name_key,
            amount_micros = excluded.amount_micros, currency = excluded.currency
        """

    /// How many values `eachValue` gives: the columns of `upsertCharges`.
    static let chargeValueCount = 5

    /// A charge's values in `upsertCharges`' column order, each given to `body` with its position
    /// (from 0): the one list the file's and the server's writes bind (the server's adds the
    /// account key, its distribution column).
    @inline(__always)
    static func eachValue(_ row: UsageRow, _ charge: UsageRow.CurrentCharge, _ body: (Int, SQLValue) throws -> Void) rethrows {
        try body(0, .integer(row.usageID))
        try body(1, .text(charge.period))
        try body(2, .integer(charge.nameKey))
        try body(3, charge.amountMicros.map(SQLValue.integer) ?? .null)
        try body(4, charge.currency.map(SQLValue.text) ?? .null)
    }

    /// A scope's changed charges: in a file, `fileBatchLimit` rows per statement; on a server, in
    /// one statement (`upsertDistributedCharges`) rather than a round trip each, as
    /// `UsageFactStore` sends usage rows.
    private func writeCharges(_ changed: [(UsageRow, UsageRow.CurrentCharge)]) throws {
        guard !changed.isEmpty else { return }
        guard db.remote != nil else {
            for start in stride(from: 0, to: changed.count, by: Self.fileBatchLimit) {
                let part = changed[start..<min(changed.count, start + Self.fileBatchLimit)]
                let statement = part.count == Self.fileBatchLimit ? chargeStatement : try db.cached(Self.upsertCharges(part.count))
                try statement.reset()
                for (position, (row, charge)) in part.enumerated() {
                    let first = position * Self.chargeValueCount + 1
                    try Self.eachValue(row, charge) { try statement.bind($1, at: first + $0) }
                }
                try statement.run()
            }
            return
        }
        var columns = Array(repeating: [SQLValue](), count: Self.chargeValueCount + 1)
        for (row, charge) in changed {
            Self.eachValue(row, charge) { columns[$0].append($1) }
            columns[Self.chargeValueCount].append(.integer(row.accountKey))
        }
        try chargeStatement.bind(columns.map { SQLArrayLiteral.make($0) }).run()
    }

    static let upsertScope = """
        INSERT INTO charge_scopes (source, account_id, meter_id, period, total_quantity, currency, cost_micros, bands, discount, priced_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (source, account_id, meter_id, period) DO UPDATE SET total_quantity = excluded.total_quantity,
            currency = excluded.currency, cost_micros = excluded.cost_micros, bands = excluded.bands,
            discount = excluded.discount, priced_at = excluded.priced_at
        """

    /// Writes one priced scope: its charges (one per row, `costCenters` in row order) and its
    /// `charge_scopes` row, each only when it differs from what is stored.
    mutating func write(scope key: ScopeKey, rows: [UsageRow], price: ScopePrice, costCenters: [String]) throws {
        if remembersScopes { seen.insert(key) }
        var rollup: [InvoiceRollup.Key: InvoiceRollup.Sums] = [:]
        var changed: [(UsageRow, UsageRow.CurrentCharge)] = []
        for (index, row) in rows.enumerated() {
            let name = costCenters[index]
            let charge = price.lines[index]
            let costCenterKey = CostCenterNames.key(name)
            let wanted = UsageRow.CurrentCharge(
                period: key.period, nameKey: try nameKey(name, costCenterKey: costCenterKey), amountMicros: charge.amountMicros,
                currency: charge.currency)
            let rollupKey = InvoiceRollup.Key(
                period: key.period, source: key.source, accountID: row.accountID, meterID: row.meterID, unit: row.unit,
                currency: charge.currency, costCenterKey: costCenterKey, userName: row.userName,
                customerID: row.customerID, subscriptionID: row.subscriptionID, resourceGroup: row.resourceGroup)
            try rollup[rollupKey, default: InvoiceRollup.Sums()].add(
                quantity: row.line.quantity, amountMicros: charge.amountMicros, of: "the charges of \(key.period), \(key.source) \(key.account) \(key.meter)")
            if row.current != wanted { changed.append((row, wanted)) }
        }
        try writeCharges(changed)

        try InvoiceRollup.replaceScope(
            db, scope: InvoiceRollup.Scope(period: key.period, source: key.source, accountID: key.account, meterID: key.meter),
            wanted: rollup)

        let total = ExactDecimal.format(price.totalQuantity)
        let bands = PriceBand.json(price.bands)
        let discount = ExactDecimal.format(price.discount)
        let stored = try db.cached("""
            SELECT total_quantity, currency, cost_micros, bands, discount FROM charge_scopes
            WHERE source = ? AND account_id = ? AND meter_id = ? AND period = ?
            """).bind(key.source, key.account, key.meter, key.period).first { row in
            row.string(0) == total && row.optionalString(1) == price.currency && row.optionalInt64(2) == price.costMicros
                && row.string(3) == bands && row.string(4) == discount
        }
        if stored == true { return }
        // A new row takes the first spelling of its ids (an existing one keeps its own).
        let account = rows.map(\.accountID).min() ?? key.account
        let meter = rows.map(\.meterID).min() ?? key.meter
        try db.cached(Self.upsertScope).bind(
            key.source, account, meter, key.period, total, price.currency, price.costMicros, bands, discount, now
        ).run()
    }

    /// The `cost_center_names` key of spelling `name`, its cost center and name inserted when new.
    private mutating func nameKey(_ name: String, costCenterKey: String) throws -> Int64 {
        if let key = nameKeys[name] { return key }
        if knownKeys.insert(costCenterKey).inserted {
            try db.run("INSERT INTO cost_centers (cost_center_key, display_name) VALUES (?, ?) ON CONFLICT DO NOTHING", costCenterKey, name)
        }
        let select = "SELECT name_key FROM cost_center_names WHERE cost_center_key = ? AND spelling = ?"
        let key = try DimensionKeys.existingOrNew(
            select: select, [costCenterKey, name],
            insert: "INSERT INTO cost_center_names (cost_center_key, spelling) VALUES (?, ?) RETURNING name_key", [costCenterKey, name], in: db)
        nameKeys[name] = key
        return key
    }

    /// Deletes the scopes (and their rollup rows) of the range that no usage has any more (their
    /// usage was deleted).
    mutating func deleteStaleScopes(source: String?, from: String, to: String) throws {
        let stale = try db.cached("""
            SELECT source, account_id, meter_id, period FROM charge_scopes
            WHERE (CAST(?1 AS TEXT) IS NULL OR source = ?1) AND period >= ?2 AND period < ?3
            """).bind(source.map { SQLValue.text($0) } ?? .null, from, to).map { row in
            ScopeKey(source: row.string(0), account: row.string(1).asciiLowercased, meter: row.string(2).asciiLowercased, period: row.string(3))
        }.filter { !seen.contains($0) }
        for key in stale {
            try db.run(
                "DELETE FROM charge_scopes WHERE source = ? AND account_id = ? AND meter_id = ? AND period = ?",
                key.source, key.account, key.meter, key.period)
        }
        for scope in try InvoiceRollup.scopes(db, source: source, from: from, to: to)
        where !seen.contains(ScopeKey(source: scope.source, account: scope.accountID, meter: scope.meterID, period: scope.period)) {
            try InvoiceRollup.deleteScope(db, scope)
        }
    }

    /// Deletes one scope's `charge_scopes` row and rollup rows (its usage is gone).
    mutating func deleteScope(_ key: ScopeKey) throws {
        try db.run(
            "DELETE FROM charge_scopes WHERE source = ? AND account_id = ? AND meter_id = ? AND period = ?",
            key.source, key.account, key.meter, key.period)
        try InvoiceRollup.deleteScope(db, InvoiceRollup.Scope(period: key.period, source: key.source, accountID: key.account, meterID: key.meter))
    }

    /// Shows each cost center in its most common spelling over all charges, and drops the
    /// spellings and cost centers no charge uses any more. Writes only what differs.
    mutating func refreshCostCenters() throws {
        var uses: [Int64: Int] = [:]
        if db.dialect == .sqlite {
            // Counted here rather than with GROUP BY: SQLite would sort every charge in a temporary b-tree.
            try db.cached("SELECT name_key FROM charge_facts").forEachRow { uses[$0.int64(0), default: 0] += 1 }
        } else {
            // A server counts where the charges are (a hash aggregate) and sends a row per name,
            // not every charge (https://www.postgresql.org/docs/15/runtime-config-query.html#GUC-ENABLE-HASHAGG).
            try db.cached("SELECT name_key, count(*) FROM charge_facts GROUP BY name_key").forEachRow { uses[$0.int64(0)] = $0.int(1) }
        }
        var spellings: [String: [String: Int]] = [:]
        for (nameKey, key, spelling) in try db.cached("SELECT name_key, cost_center_key, COALESCE(spelling, cost_center_key) FROM cost_center_names")
            .map({ ($0.int64(0), $0.string(1), $0.string(2)) }) {
            guard let count = uses[nameKey] else {
                try db.run("DELETE FROM cost_center_names WHERE name_key = ?", nameKey)
                nameKeys = nameKeys.filter { $0.value != nameKey }
                continue
            }
            spellings[key, default: [:]][spelling, default: 0] += count
        }
        let stored = try db.cached("SELECT cost_center_key, display_name FROM cost_centers").map { ($0.string(0), $0.string(1)) }
        for (key, display) in stored {
            guard let counts = spellings[key], let wanted = CostCenterNames.displayName(counts) else {
                try db.run("DELETE FROM cost_centers WHERE cost_center_key = ?", key)
                knownKeys.remove(key)
                continue
            }
            if wanted != display {
                try db.run("UPDATE cost_centers SET display_name = ? WHERE cost_center_key = ?", wanted, key)
            }
        }
    }
}
