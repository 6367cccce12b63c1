import Foundation
import WarehouseCore

/// The integer keys of the dimension tables (`account_keys`, `resource_keys`, `meter_keys`,
/// `usage_details`, `cost_center_names`; schema version 5), cached in memory so a row's ids are
/// looked up once per load rather than compared as text in every index.
///
/// Ids are canonicalized once: ASCII lower case, what the version-4 `COLLATE NOCASE` columns
/// folded, so the same rows are the same as before. The first spelling seen is kept for display.
/// The caches are bounded (cleared past `limit` entries) and dropped whenever the connection
/// rolls back, since the keys a rolled-back transaction inserted no longer exist.
public final class DimensionKeys {
    public enum Kind: String, CaseIterable, Sendable {
        case account, resource, meter

        var table: String { "\(rawValue)_keys" }
        var idColumn: String { "\(rawValue)_id" }
        var keyColumn: String { "\(rawValue)_key" }
    }

    /// Entries per cache before it is emptied: a few MB at most.
    public static let limit = 100_000

    /// kind → source → id as spelled → key.
    private var ids: [Kind: [String: [String: Int64]]] = [:]
    private var details: [Details: Int64] = [:]
    private var times: [String: Int64] = [:]
    /// A cost export's charge kinds and terms (schema version 7, `ChargeKeys.swift`).
    var kinds: [[String]: Int64] = [:]
    var terms: [[String?]: Int64] = [:]
    private var rollbacks = 0

    init() {}

    /// The key of `id` of `source`, inserted when new.
    public func key(_ kind: Kind, source: String, id: String, in db: Database) throws -> Int64 {
        sync(db)
        if let key = ids[kind]?[source]?[id] { return key }
        let canonical = id.asciiLowercased
        let key = try Self.existingOrNew(
            select: "SELECT \(kind.keyColumn) FROM \(kind.table) WHERE source = ? AND \(kind.idColumn) = ?", [source, canonical],
            insert: "INSERT INTO \(kind.table) (source, \(kind.idColumn), spelling) VALUES (?, ?, ?) RETURNING \(kind.keyColumn)",
            [source, canonical, id], in: db)
        if ids[kind]?[source]?.count ?? 0 >= Self.limit { ids[kind]?[source] = [:] }
        ids[kind, default: [:]][source, default: [:]][id] = key
        return key
    }

    /// The existing key of `id` of `source`, without inserting one.
    public func existingKey(_ kind: Kind, source: String, id: String, in db: Database) throws -> Int64? {
        sync(db)
        if let key = ids[kind]?[source]?[id] { return key }
        return try db.cached("SELECT \(kind.keyColumn) FROM \(kind.table) WHERE source = ? AND \(kind.idColumn) = ?")
            .bind(source, id.asciiLowercased).first { $0.int64(0) }
    }

    /// The key of a usage row's details, inserted when new.
    public func detailKey(_ row: UsageFactStore.Row, in db: Database) throws -> Int64 {
        sync(db)
        let cacheKey = Details(
            unit: row.unit, customerID: row.customerID, subscriptionID: row.subscriptionID, resourceGroup: row.resourceGroup, userName: row.userName,
            location: row.location, tags: row.tags)
        if let key = details[cacheKey] { return key }
        let select = """
            SELECT detail_key FROM usage_details
            WHERE subscription_id IS ? AND resource_group IS ? AND user_name IS ? AND unit IS ?
              AND customer_id IS ? AND location IS ? AND tags = ?
            LIMIT 1
            """
        let key = try Self.existingOrNew(
            select: select, [row.subscriptionID, row.resourceGroup, row.userName, row.unit, row.customerID, row.location, row.tags],
            insert: "INSERT INTO usage_details (unit, customer_id, subscription_id, resource_group, user_name, location, tags) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING detail_key",
            [row.unit, row.customerID, row.subscriptionID, row.resourceGroup, row.userName, row.location, row.tags], in: db)
        if details.count >= Self.limit { details = [:] }
        details[cacheKey] = key
        return key
    }

    /// A usage row's details as the cache's key: hashed field by field, with no text built per row.
    struct Details: Hashable {
        let unit, customerID, subscriptionID, resourceGroup, userName, location: String?
        let tags: String
    }

    /// Seconds since 1970 of a `YYYY-MM-DDTHH:MM:SSZ` time (the form every fact's times take);
    /// anything else is refused rather than stored as something else.
    public func seconds(_ text: String) throws -> Int64 {
        if let value = times[text] { return value }
        guard let time = UTCTime.parse(text), time.iso8601 == text else {
            throw SQLiteError(code: 20, message: "time \"\(text)\" is not UTC ISO-8601 (YYYY-MM-DDTHH:MM:SSZ)")
        }
        if times.count >= Self.limit { times = [:] }
        times[text] = time.seconds
        return time.seconds
    }

    /// The key `select` finds, or the key `insert` (which ends `RETURNING` it) makes: every key
    /// table's lookup.
    public static func existingOrNew(select: String, _ selected: [String?], insert: String, _ inserted: [String?], in db: Database) throws -> Int64 {
        if let key = try db.cached(select).bind(selected).first({ $0.int64(0) }) { return key }
        guard let key = try db.cached(insert).bind(inserted).first({ $0.int64(0) }) else {
            throw SQLiteError(code: 1, message: "no key returned", statement: insert)
        }
        return key
    }

    /// Forgets every key after a rollback of this connection.
    func sync(_ db: Database) {
        guard db.rollbackCount != rollbacks else { return }
        rollbacks = db.rollbackCount
        ids = [:]
        details = [:]
        kinds = [:]
        terms = [:]
    }
}
