import Foundation
import Load
@testable import Postgres
import Testing

/// A query read row by row from PostgreSQL streams through a cursor a batch at a time (issue 16):
/// every row in order whatever the batch, statements run inside the loop, and a failure inside a
/// transaction leaves the connection as usable as before. The batch is 7 here, so a hundred rows
/// take fifteen FETCHes. (Postgres has no test target of its own; its cluster helpers are here.)
@Suite(.postgresCluster, .serialized)
struct PostgresStreamTests {
    /// A `Database` on a new database `name` of the suite's cluster, whose cursors fetch `batch`
    /// rows at a time, with a table `seen (n)` for loop bodies to write to.
    static func database(_ name: String, batch: Int = 7) async throws -> Database {
        let cluster = try #require(PostgresCluster.current)
        let url = try PostgresURL.parse(try await cluster.database(name), environment: ["PGPASSFILE": cluster.passFile])
        let remote = PostgresRemote(session: try PostgresSession.connectWaiting(url))
        remote.fetchBatch = batch
        let db = Database(remote: remote)
        try db.execute("CREATE TABLE seen (n bigint PRIMARY KEY)")
        return db
    }

    static let numbers = "SELECT n, 'row ' || n FROM generate_series(1, ?1) AS n ORDER BY n"

    /// The cursors declared and still open on the server (`pg_cursors` lists the session's own,
    /// and the protocol's unnamed portal of this very query too).
    static func openCursors(_ db: Database) throws -> Int64 {
        try db.scalar("SELECT count(*) FROM pg_cursors WHERE name LIKE 'warehouse_cursor_%'")?.int64 ?? -1
    }

    @Test func aQueryOfManyBatchesStreamsEveryRowInOrderWithStatementsRunInsideTheLoop() async throws {
        let db = try await Self.database("stream")
        var rows: [String] = [], inner: [Int64] = [], cursorsInside: [Int64] = []
        try db.transaction {
            try db.prepare(Self.numbers).bind(100).forEachRow { row in
                rows.append("\(row.int64(0)) \(row.string(1))")
                cursorsInside.append(try Self.openCursors(db))
                try db.run("INSERT INTO seen (n) VALUES (?)", row.int64(0))
                // A second cursor on the same connection, opened and read to its end (two batches).
                if row.int64(0) % 25 == 0 {
                    try db.prepare("SELECT n FROM generate_series(1, 9) AS n ORDER BY n").forEachRow { inner.append($0.int64(0)) }
                }
            }
            #expect(try Self.openCursors(db) == 0, "the cursor is closed after its last batch")
        }
        #expect(rows == (1...100).map { "\($0) row \($0)" })
        #expect(inner == Array(repeating: Array(1...9), count: 4).flatMap { $0 })
        // Fourteen full batches of 7, then 2 rows: the cursor is closed as soon as the short one arrives.
        #expect(cursorsInside == Array(repeating: 1, count: 98) + [0, 0], "the rows came through one cursor, open while they were read")
        #expect(try db.scalar("SELECT count(*) FROM seen")?.int64 == 100, "the writes inside the loop committed")
    }

    /// `step()` reads the same rows, including a result that ends exactly on a batch (its last
    /// FETCH is empty), and starts again after the end; outside a transaction block the rows come
    /// whole, as before.
    @Test func steppingReadsBatchBoundariesAndOutsideATransactionReadsWhole() async throws {
        let db = try await Self.database("step")
        func stepped(_ count: Int) throws -> [Int64] {
            let statement = try db.prepare(Self.numbers).bind(count)
            var out: [Int64] = []
            while try statement.step() { out.append(statement.rowValues.first?.int64 ?? 0) }
            // After the end a step runs the query again, as SQLite's statements do.
            #expect(try statement.step() == (count > 0))
            try statement.reset()
            return out
        }
        for count in [0, 1, 6, 7, 8, 14, 15] {
            let inTransaction = try db.transaction { try stepped(count) }
            #expect(inTransaction == (0..<count).map { Int64($0 + 1) }, "\(count) rows")
            #expect(try stepped(count) == (0..<count).map { Int64($0 + 1) }, "\(count) rows, no transaction")
        }
        #expect(try Self.openCursors(db) == 0)
    }

    /// A query that fails in its eighth batch, a loop body whose statement fails, and a query the
    /// server refuses: each error reaches the caller, the transaction rolls back, and the next
    /// transaction on the same connection streams again.
    @Test func afterAFailureInsideATransactionTheConnectionStreamsAgain() async throws {
        let db = try await Self.database("failure")
        var read = 0
        #expect(throws: PostgresError.self) {
            try db.transaction {
                try db.prepare("SELECT 100 / (50 - n) FROM generate_series(1, 100) AS n").forEachRow { _ in read += 1 }
            }
        }
        #expect(read == 49, "every row before the one that divides by zero")
        #expect(throws: PostgresError.self) {
            try db.transaction {
                try db.prepare(Self.numbers).bind(30).forEachRow { row in
                    try db.run("INSERT INTO seen (n) VALUES (?)", row.int64(0) % 10)  // a duplicate on row 11
                }
            }
        }
        #expect(throws: PostgresError.self) {
            try db.transaction { try db.prepare("SELECT no_such_column FROM seen").forEachRow { _ in } }
        }
        try expectStreams(db)
        #expect(try db.scalar("SELECT count(*) FROM seen")?.int64 == 0, "every failed transaction rolled back")
    }

    /// A loop stopped early by an error of the caller's, and a statement left half-stepped in a
    /// savepoint that is then rolled back (its cursor gone with it): neither close aborts the
    /// transaction still open, which goes on and commits.
    @Test func aLoopStoppedEarlyLeavesTheTransactionHealthy() async throws {
        struct Stop: Error {}
        let db = try await Self.database("early")
        let halfRead = try db.prepare(Self.numbers).bind(50)
        try db.transaction {
            #expect(throws: Stop.self) {
                try db.prepare(Self.numbers).bind(50).forEachRow { row in if row.int64(0) == 10 { throw Stop() } }
            }
            #expect(throws: Stop.self) {
                try db.transaction {
                    #expect(try halfRead.step() && halfRead.step())
                    throw Stop()
                }
            }
            try halfRead.reset()  // closes a cursor the savepoint's rollback already closed
            try db.run("INSERT INTO seen (n) VALUES (1)")
            try expectStreams(db)
        }
        #expect(try db.scalar("SELECT count(*) FROM seen")?.int64 == 1, "the transaction committed")
        #expect(try Self.openCursors(db) == 0)
    }

    /// Inside a transaction, a hundred rows come back in order and no cursor is left open.
    func expectStreams(_ db: Database) throws {
        let rows = try db.transaction { try db.prepare(Self.numbers).bind(100).map { $0.int64(0) } }
        #expect(rows == (1...100).map(Int64.init))
        #expect(try Self.openCursors(db) == 0)
    }
}

/// Which statements a cursor may run, and which open or end a transaction block.
struct SQLScriptStreamingTests {
    @Test func onlyReadingQueriesStreamThroughACursor() {
        #expect(SQLScript.isCursorQuery("SELECT name_key FROM charge_facts"))
        #expect(SQLScript.isCursorQuery("  -- note\n WITH x AS (SELECT 1) SELECT * FROM x"))
        #expect(SQLScript.isCursorQuery("SELECT 'INSERT INTO' AS \"update\""), "words inside quotes do not count")
        #expect(!SQLScript.isCursorQuery("INSERT INTO t VALUES (1) RETURNING id"))
        #expect(!SQLScript.isCursorQuery("WITH gone AS (DELETE FROM t RETURNING id) SELECT count(*) FROM gone"))
        #expect(!SQLScript.isCursorQuery("SELECT * FROM t FOR UPDATE"))
        #expect(!SQLScript.isCursorQuery("PRAGMA foreign_keys = ON"))
    }

    @Test func transactionControlIsRecognized() {
        #expect(SQLScript.transactionChange("BEGIN") == true)
        #expect(SQLScript.transactionChange("begin isolation level repeatable read read only") == true)
        #expect(SQLScript.transactionChange("START TRANSACTION") == true)
        #expect(SQLScript.transactionChange("COMMIT") == false)
        #expect(SQLScript.transactionChange("ROLLBACK") == false)
        #expect(SQLScript.transactionChange("ROLLBACK TO warehouse_1") == nil)
        #expect(SQLScript.transactionChange("SAVEPOINT warehouse_1") == nil)
        #expect(SQLScript.transactionChange("SELECT 1") == nil)
    }
}
