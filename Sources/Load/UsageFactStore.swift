import Foundation
import WarehouseCore

/// Writes usage rows into `usage_facts` (schema version 5): ids become dimension keys through the
/// connection's `DimensionKeys`, times integer seconds, and the row is upserted by its natural key
/// through one cached statement, inside the caller's transaction. A row already there unchanged
/// is not written, so loading twice changes nothing.
public final class UsageFactStore {
    /// One usage row as the loader gives it: the version-4 `usage` columns, times as UTC
    /// ISO-8601 text (reported window '' .. '' for usage buckets), quantity as exact decimal text.
    public struct Row: Sendable, Equatable {
        public var source: String
        public var accountID: String
        public var resourceID: String
        public var meterID: String
        public var usageStart: String
        public var usageEnd: String
        public var quantity: String
        public var unit: String?
        public var customerID: String?
        public var subscriptionID: String?
        public var resourceGroup: String?
        public var userName: String?
        public var location: String?
        public var tags: String
        public var cost: String?
        public var costCurrency: String?
        public var pageID: Int64?
        public var reportedStart: String
        public var reportedEnd: String
        /// What a cost export says of the charge (schema version 7: `charge_kinds`, `charge_terms`).
        public var charge: ChargeTerms? = nil

        public init(
            source: String, accountID: String, resourceID: String, meterID: String, usageStart: String, usageEnd: String,
            quantity: String, unit: String?, customerID: String?, subscriptionID: String?, resourceGroup: String?, userName: String?,
            location: String?, tags: String, cost: String?, costCurrency: String?, pageID: Int64?, reportedStart: String, reportedEnd: String
        ) {
            self.source = source
            self.accountID = accountID
            self.resourceID = resourceID
            self.meterID = meterID
            self.usageStart = usageStart
            self.usageEnd = usageEnd
            self.quantity = quantity
            self.unit = unit
            self.customerID = customerID
            self.subscriptionID = subscriptionID
            self.resourceGroup = resourceGroup
            self.userName = userName
            self.location = location
            self.tags = tags
            self.cost = cost
            self.costCurrency = costCurrency
            self.pageID = pageID
            self.reportedStart = reportedStart
            self.reportedEnd = reportedEnd
        }
    }

    /// A row's natural key as integers: (account, meter, start, resource, end, reported start, end,
    /// charge kind).
    public struct Key: Hashable, Sendable {
        public var account: Int64
        public var meter: Int64
        public var start: Int64
        public var resource: Int64
        public var end: Int64
        public var reportedStart: Int64
        public var reportedEnd: Int64
        /// `charge_kinds.charge_key`; 0 for plain usage.
        public var charge: Int64 = 0
    }

    /// A pricing scope a write touched: (account, meter, billing month), by key.
    public struct Scope: Hashable, Sendable {
        public var account: Int64
        public var meter: Int64
        public var period: String

        public init(account: Int64, meter: Int64, period: String) {
            self.account = account
            self.meter = meter
            self.period = period
        }
    }

    let db: Database
    /// The scopes of every row this store inserted, changed or deleted: what needs repricing.
    public private(set) var touched: Set<Scope> = []
    private var months: [Int64: String] = [:]
    /// The upserts, held rather than looked up per row (`Database.cached` hashes the SQL text).
    private var upserts: [Bool: Statement] = [:]

    public init(_ db: Database) { self.db = db }

    static let columns = """
        account_key, meter_key, usage_start, resource_key, usage_end, reported_start, reported_end, detail_key, quantity, cost,
        cost_currency, page_id, charge_key, terms_key
        """
    /// How many `columns` there are: the values `eachValue` gives for each row.
    static let valueCount = 14
    /// One row's parameters in an upsert's `VALUES`.
    static let placeholders = "(" + Array(repeating: "?", count: valueCount).joined(separator: ", ") + ")"
    static let conflict = "account_key, meter_key, usage_start, resource_key, usage_end, reported_start, reported_end, charge_key"
    static let values = ["detail_key", "quantity", "cost", "cost_currency", "terms_key"]

    /// The values of `columns` for `row` under `key`, each given to `body` with its position
    /// (from 0): the one list the single-row upsert, the multi-row file upsert and the server's
    /// array upsert all bind. A call per value, not an array per row, on the bulk load's path.
    @inline(__always)
    func eachValue(_ row: Row, _ key: Key, _ body: (Int, SQLValue) throws -> Void) throws {
        try body(0, .integer(key.account))
        try body(1, .integer(key.meter))
        try body(2, .integer(key.start))
        try body(3, .integer(key.resource))
        try body(4, .integer(key.end))
        try body(5, .integer(key.reportedStart))
        try body(6, .integer(key.reportedEnd))
        try body(7, .integer(try db.dimensions.detailKey(row, in: db)))
        try body(8, .text(row.quantity))
        try body(9, row.cost.map(SQLValue.text) ?? .null)
        try body(10, row.costCurrency.map(SQLValue.text) ?? .null)
        try body(11, row.pageID.map(SQLValue.integer) ?? .null)
        try body(12, .integer(key.charge))
        try body(13, try db.dimensions.termsKey(row.charge, in: db).map(SQLValue.integer) ?? .null)
    }

    /// An upsert changing a row only when a value differs; with `pageCounts`, a different page is
    /// a difference too (a file load points its rows at the page that loaded them last); without,
    /// a row the new answer repeats keeps pointing at the page that first loaded it.
    static let upsertSQL = [true: makeUpsertSQL(pageCounts: true), false: makeUpsertSQL(pageCounts: false)]

    static func makeUpsertSQL(pageCounts: Bool) -> String {
        let compared = values + (pageCounts ? ["page_id"] : [])
        return "INSERT INTO usage_facts (\(columns)) VALUES " + placeholders
            + " ON CONFLICT (\(conflict)) DO UPDATE SET "
            + (values + ["page_id"]).map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            + " WHERE " + compared.map { "usage_facts.\($0) IS NOT excluded.\($0)" }.joined(separator: " OR ")
    }

    /// The integer key of `row`, its ids and details given keys (inserted when new).
    public func key(_ row: Row) throws -> Key {
        let keys = db.dimensions
        let account = try keys.key(.account, source: row.source, id: row.accountID, in: db)
        let meter = try keys.key(.meter, source: row.source, id: row.meterID, in: db)
        let resource = try keys.key(.resource, source: row.source, id: row.resourceID, in: db)
        let window = row.reportedEnd.isEmpty ? (Int64(0), Int64(0)) : (try keys.seconds(row.reportedStart), try keys.seconds(row.reportedEnd))
        return Key(
            account: account, meter: meter, start: try keys.seconds(row.usageStart), resource: resource,
            end: try keys.seconds(row.usageEnd), reportedStart: window.0, reportedEnd: window.1,
            charge: try keys.kindKey(row.charge, in: db))
    }

    /// Inserts or updates `row`; returns true when the table changed.
    @discardableResult
    public func upsert(_ row: Row, pageCounts: Bool = true) throws -> Bool {
        try upsert(row, key: try key(row), pageCounts: pageCounts)
    }

    /// `upsert` with the row's key already resolved. On a server, a batch of one (`upsert(_:pageCounts:)`).
    @discardableResult
    public func upsert(_ row: Row, key: Key, pageCounts: Bool) throws -> Bool {
        guard db.remote == nil else { return try upsert([(row, key)], pageCounts: pageCounts)[0] }
        precondition(db.isInTransaction, "UsageFactStore writes inside the caller's transaction")
        let statement: Statement
        if let held = upserts[pageCounts] {
            statement = held
        } else {
            statement = try db.cached(Self.upsertSQL[pageCounts]!)
            upserts[pageCounts] = statement
        }
        try statement.reset()
        try eachValue(row, key) { try statement.bind($1, at: $0 + 1) }
        guard try statement.run() > 0 else { return false }
        touch(key)
        return true
    }

    func touch(_ key: Key) {
        let day = UTCTime(seconds: key.start).startOfDay
        let month: String
        if let known = months[day.seconds] {
            month = known
        } else {
            month = day.month
            months[day.seconds] = month
        }
        touched.insert(Scope(account: key.account, meter: key.meter, period: month))
    }

    /// The rows of one reported window of one account: usage id and key.
    public func windowRows(source: String, accountID: String, start: String, end: String) throws -> [(Int64, Key)] {
        guard let account = try db.dimensions.existingKey(.account, source: source, id: accountID, in: db) else { return [] }
        let from = try db.dimensions.seconds(start)
        let to = try db.dimensions.seconds(end)
        return try db.cached("""
            SELECT usage_id, meter_key, usage_start, resource_key, usage_end, charge_key FROM usage_facts
            WHERE account_key = ? AND reported_start = ? AND reported_end = ? AND reported_end > 0
            """).bind(account, from, to).map { row in
            (row.int64(0), Key(account: account, meter: row.int64(1), start: row.int64(2), resource: row.int64(3), end: row.int64(4),
                               reportedStart: from, reportedEnd: to, charge: row.int64(5)))
        }
    }

    /// Deletes usage row `usageID`, of key `key` (its charge goes with it).
    public func delete(_ usageID: Int64, key: Key) throws {
        try db.cached("DELETE FROM usage_facts WHERE usage_id = ?").bind(usageID).run()
        touch(key)
    }
}
