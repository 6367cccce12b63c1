import Foundation
import WarehouseCore

/// Usage rows upserted a batch at a time: on a server, one statement per batch instead of one
/// round trip per row (issue 16).
///
/// A row upserted alone costs a round trip to the server, which is most of its cost there (the
/// statement runs in a fifth of a millisecond; the trip and the wait around it take four times
/// that). So on PostgreSQL the rows of a batch travel as one array per column, bound as
/// parameters, and one set-based statement updates the ones that exist and differ and inserts
/// the missing ones, in row order, answering which rows changed
/// (https://www.postgresql.org/docs/15/functions-array.html `unnest`, and the `WITH … UPDATE …
/// FROM` / `INSERT … SELECT` forms of https://www.postgresql.org/docs/15/queries-with.html#QUERIES-WITH-MODIFYING).
/// The arrays are the whole batch, so the server does what `COPY` into a staging table and one
/// upsert from it would do, in one round trip instead of three, without the staging table, and
/// through postgres-nio's future-based query (its `COPY` is async only, and the loaders are
/// synchronous code on the cooperative pool, where waiting on a task could starve it).
///
/// The update and the insert-if-missing are one statement rather than `INSERT … ON CONFLICT`,
/// which on PostgreSQL draws the next `usage_id` from its sequence even for a row it only updates
/// (https://www.postgresql.org/docs/15/sql-insert.html#SQL-ON-CONFLICT): a nightly re-pull would
/// leave gaps, and the same loads would number rows differently than SQLite does. Both parts see
/// the same snapshot, so an existing row is never inserted.
///
/// A file repeats a key now and then; the rows are then sent in rounds, each key at most once a
/// round (its first occurrence in the first), so each round sees the one before it, and every
/// row changes or not exactly as it would one by one, in SQLite, with the same `usage_id`s.
extension UsageFactStore {
    /// Upserts `rows` (keys resolved) in order; answers, per row, whether the table changed.
    public func upsert(_ rows: [(row: Row, key: Key)], pageCounts: Bool) throws -> [Bool] {
        precondition(db.isInTransaction, "UsageFactStore writes inside the caller's transaction")
        let limit = db.remote == nil ? Self.fileBatchLimit : Self.batchLimit
        var changed = Array(repeating: false, count: rows.count)
        for round in Self.rounds(rows.map(\.key)) {
            for start in stride(from: 0, to: round.count, by: limit) {
                let part = Array(round[start..<min(round.count, start + limit)])
                let changes = db.remote == nil
                    ? try fileUpsert(part, of: rows, pageCounts: pageCounts)
                    : try serverUpsert(part.map { ($0, rows[$0].row, rows[$0].key) }, pageCounts: pageCounts)
                for index in changes {
                    changed[index] = true
                    touch(rows[index].key)
                }
            }
        }
        return changed
    }

    /// Rows per statement in a file: SQLite's per-statement work (bind, step, reset, the upsert's
    /// program) paid once for many rows; 64 × 14 parameters stay far below its limit of 32,766
    /// (https://www.sqlite.org/limits.html#max_variable_number).
    static let fileBatchLimit = 64

    /// One multi-row upsert into a SQLite file of `part` (indices into `rows`, distinct keys); the
    /// indices of those that changed, read from `RETURNING`, which names the rows an upsert
    /// inserted or updated, not those its `WHERE` left alone (https://www.sqlite.org/lang_returning.html).
    private func fileUpsert(_ part: [Int], of rows: [(row: Row, key: Key)], pageCounts: Bool) throws -> [Int] {
        let statement = try db.cached(
            part.count == Self.fileBatchLimit ? Self.fullUpsertSQL[pageCounts]! : Self.multiRowUpsertSQL(rows: part.count, pageCounts: pageCounts))
        try statement.reset()
        var byKey: [Key: Int] = [:]
        byKey.reserveCapacity(part.count)
        for (position, index) in part.enumerated() {
            let (row, key) = rows[index]
            byKey[key] = index
            let first = position * Self.valueCount + 1
            try eachValue(row, key) { try statement.bind($1, at: first + $0) }
        }
        return try statement.map { returned in
            let key = Key(
                account: returned.int64(0), meter: returned.int64(1), start: returned.int64(2), resource: returned.int64(3),
                end: returned.int64(4), reportedStart: returned.int64(5), reportedEnd: returned.int64(6), charge: returned.int64(7))
            guard let index = byKey[key] else { throw SQLiteError(code: 1, message: "usage upsert returned a key it was not given", statement: statement.sql) }
            return index
        }
    }

    /// `multiRowUpsertSQL` of a whole batch, made once.
    static let fullUpsertSQL = [
        true: multiRowUpsertSQL(rows: fileBatchLimit, pageCounts: true), false: multiRowUpsertSQL(rows: fileBatchLimit, pageCounts: false),
    ]

    /// `upsertSQL` for `rows` rows at once, returning the natural key of each row it changed.
    static func multiRowUpsertSQL(rows: Int, pageCounts: Bool) -> String {
        let single = upsertSQL[pageCounts]!
        return single.replacingOccurrences(
            of: "VALUES " + placeholders, with: "VALUES " + Array(repeating: placeholders, count: rows).joined(separator: ", "))
            + " RETURNING " + conflict
    }

    /// Deletes usage rows (id and key; their charges go with them): on a server, one statement
    /// per account.
    public func delete(_ rows: [(Int64, Key)]) throws {
        guard db.remote != nil else { return try rows.forEach { try delete($0.0, key: $0.1) } }
        for (account, ids) in Dictionary(grouping: rows, by: \.1.account) {
            try db.cached("DELETE FROM usage_facts WHERE account_key = ? AND usage_id = ANY (CAST(? AS bigint[]))")
                .bind(account, SQLArrayLiteral.make(ids.map { .integer($0.0) })).run()
            ids.forEach { touch($0.1) }
        }
    }

    /// Rows per statement: bounds the arrays' text (about 200 bytes a row) and the server's work
    /// per statement.
    static let batchLimit = 5_000

    /// The indices of `keys` in rounds: a key's n-th occurrence goes to round n, rounds in order.
    static func rounds(_ keys: [Key]) -> [[Int]] {
        var seen: [Key: Int] = [:]
        var rounds: [[Int]] = []
        for (index, key) in keys.enumerated() {
            let round = seen[key, default: 0]
            seen[key] = round + 1
            if round == rounds.count { rounds.append([]) }
            rounds[round].append(index)
        }
        return rounds
    }

    /// One set-based upsert of `rows` (distinct keys), each given with its index; the indices of
    /// those that changed.
    private func serverUpsert(_ rows: [(index: Int, row: Row, key: Key)], pageCounts: Bool) throws -> [Int] {
        var columns = Array(repeating: [SQLValue](), count: Self.valueCount + 1)
        for column in columns.indices { columns[column].reserveCapacity(rows.count) }
        for (index, row, key) in rows {
            columns[0].append(.integer(Int64(index)))
            try eachValue(row, key) { columns[$0 + 1].append($1) }
        }
        let statement = try db.cached(Self.batchUpsertSQL[pageCounts]!)
        for (column, values) in columns.enumerated() {
            try statement.bind(.text(SQLArrayLiteral.make(values)), at: column + 1)
        }
        return try statement.map { Int($0.int64(0)) }
    }

    static let batchUpsertSQL = [true: makeBatchUpsertSQL(pageCounts: true), false: makeBatchUpsertSQL(pageCounts: false)]

    /// The statement behind `serverUpsert`, parameters `?1 … ?15` the columns' arrays (`ord`, then
    /// `columns` in order).
    static func makeBatchUpsertSQL(pageCounts: Bool) -> String {
        let names = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let types = ["quantity": "numeric", "cost": "numeric", "cost_currency": "text"]
        let arrays = (["ord"] + names).enumerated().map { "CAST(?\($0.offset + 1) AS \(types[$0.element] ?? "bigint")[])" }
        let keys = conflict.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let match = keys.map { "f.\($0) = s.\($0)" }.joined(separator: " AND ")
        let compared = values + (pageCounts ? ["page_id"] : [])
        return "WITH s AS (SELECT * FROM unnest(\(arrays.joined(separator: ", "))) AS s (ord, \(names.joined(separator: ", ")))), "
            + "updated AS (UPDATE usage_facts f SET " + (values + ["page_id"]).map { "\($0) = s.\($0)" }.joined(separator: ", ")
            + " FROM s WHERE \(match) AND (" + compared.map { "f.\($0) IS DISTINCT FROM s.\($0)" }.joined(separator: " OR ")
            + ") RETURNING s.ord), "
            + "inserted AS (INSERT INTO usage_facts (\(names.joined(separator: ", "))) SELECT "
            + names.map { "s.\($0)" }.joined(separator: ", ")
            + " FROM s WHERE NOT EXISTS (SELECT 1 FROM usage_facts f WHERE \(match)) ORDER BY s.ord RETURNING "
            + keys.joined(separator: ", ") + ") "
            + "SELECT ord FROM updated UNION ALL SELECT s.ord FROM inserted JOIN s USING (\(keys.joined(separator: ", ")))"
    }
}
