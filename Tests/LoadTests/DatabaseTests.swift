import Foundation
import Load
import TestSupport
import Testing

@Suite struct DatabaseTests {
    @Test func statementErrorsCarryCodeMessageAndSQL() throws {
        let t = try TestWarehouse()
        let error = try #require(throws: SQLiteError.self) { try t.db.prepare("SELEC 1") }
        #expect(error.primaryCode == 1)
        #expect(error.statement == "SELEC 1")
        #expect(error.message.contains("syntax error"))
        #expect(error.description.contains("SELEC 1"))
    }

    @Test func constraintErrorsNeverShowBoundValues() throws {
        let t = try TestWarehouse()
        let secret = "s3cr3t-value-\(UUID().uuidString)"
        try t.db.run("INSERT INTO cost_centers (cost_center_key, display_name) VALUES (?, ?)", "ops", secret)
        let error = try #require(throws: SQLiteError.self) {
            try t.db.run("INSERT INTO cost_centers (cost_center_key, display_name) VALUES (?, ?)", "ops", secret)
        }
        #expect(error.isConstraint)
        #expect(error.code == 1555 || error.code == 2067)  // PRIMARYKEY or UNIQUE
        #expect(!error.description.contains(secret))
        #expect(error.statement?.contains("INSERT INTO cost_centers") == true)
    }

    @Test func checkConstraintsRejectBadStates() throws {
        let t = try TestWarehouse()
        // A cost-center key must be lower case; a finished run needs a finished_at.
        #expect(throws: SQLiteError.self) {
            try t.db.run("INSERT INTO cost_centers (cost_center_key, display_name) VALUES ('Ops', 'Ops')")
        }
        #expect(throws: SQLiteError.self) {
            try t.db.run("INSERT INTO etl_runs (command, started_at, status) VALUES ('etl', '2026-01-01T00:00:00Z', 'ok')")
        }
        #expect(throws: SQLiteError.self) {
            try t.db.run("INSERT INTO charges (usage_id, period, cost_center_key, amount_micros) VALUES (1, '2026-01', 'x', 5)")
        }
    }

    @Test func throwingTransactionLeavesNothingBehind() throws {
        struct Boom: Error {}
        let t = try TestWarehouse()
        #expect(throws: Boom.self) {
            try t.db.transaction {
                try t.db.run("INSERT INTO cost_centers VALUES ('a', 'A')")
                try t.db.run("INSERT INTO cost_centers VALUES ('b', 'B')")
                throw Boom()
            }
        }
        #expect(try t.count("cost_centers") == 0)
        #expect(!t.db.isInTransaction)
    }

    @Test func nestedFailureUndoesOnlyTheInnerWork() throws {
        struct Boom: Error {}
        let t = try TestWarehouse()
        try t.db.transaction {
            try t.db.run("INSERT INTO cost_centers VALUES ('a', 'A')")
            _ = try? t.db.transaction {
                try t.db.run("INSERT INTO cost_centers VALUES ('b', 'B')")
                throw Boom()
            }
        }
        #expect(try t.db.rows("SELECT cost_center_key FROM cost_centers") == [[.text("a")]])
    }

    @Test func sqlErrorInsideTransactionRollsBack() throws {
        let t = try TestWarehouse()
        #expect(throws: SQLiteError.self) {
            try t.db.transaction {
                try t.db.run("INSERT INTO cost_centers VALUES ('a', 'A')")
                try t.db.run("INSERT INTO cost_centers VALUES ('a', 'again')")
            }
        }
        #expect(try t.count("cost_centers") == 0)
    }

    @Test func newFileIsOwnerOnlyAndUsesWAL() throws {
        let t = try TestWarehouse()
        let attributes = try FileManager.default.attributesOfItem(atPath: t.path)
        let permissions = try #require(attributes[.posixPermissions] as? NSNumber).intValue
        #expect(permissions & 0o077 == 0)
        #expect(try t.db.scalar("PRAGMA journal_mode")?.string == "wal")
        #expect(try t.db.scalar("PRAGMA foreign_keys")?.int64 == 1)
    }

    @Test func readOnlyConnectionRefusesWrites() throws {
        let t = try TestWarehouse()
        let reader = try Database.openWarehouseReadOnly(path: t.path)
        let error = try #require(throws: SQLiteError.self) {
            try reader.run("INSERT INTO cost_centers VALUES ('a', 'A')")
        }
        #expect(error.isReadOnly || error.message.contains("readonly") || error.message.contains("read-only"))
    }

    @Test func multipleStatementsInOnePrepareAreRefused() throws {
        let t = try TestWarehouse()
        #expect(throws: SQLiteError.self) { try t.db.prepare("SELECT 1; DROP TABLE usage") }
        #expect(try t.count("usage") == 0)
    }

    @Test func typedColumnReads() throws {
        let t = try TestWarehouse()
        let row = try #require(
            try t.db.prepare("SELECT 42, 'text', NULL, x'00ff', 1.5").first { row in
                (row.int64(0), row.string(1), row.isNull(2), row.data(3), row.double(4), row.optionalString(2))
            })
        #expect(row.0 == 42)
        #expect(row.1 == "text")
        #expect(row.2)
        #expect(row.3 == Data([0, 255]))
        #expect(row.4 == 1.5)
        #expect(row.5 == nil)
    }
}

/// Issue 17, disk full: a COMMIT that fails (here a deferred foreign key, as a full disk does)
/// rolls back and leaves the connection usable: the next transaction and its savepoints work.
@Suite struct FailedCommitTests {
    @Test func aFailedCommitLeavesTheNextTransactionWorking() throws {
        let t = try TestWarehouse()
        try t.db.execute("""
            PRAGMA foreign_keys = ON;
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
            """)
        let error = try #require(throws: SQLiteError.self) {
            try t.db.transaction { try t.db.run("INSERT INTO child (id, parent_id) VALUES (1, 99)") }
        }
        #expect(error.statement == "COMMIT")
        #expect(!t.db.isInTransaction)
        try t.db.transaction {
            try t.db.run("INSERT INTO parent (id) VALUES (1)")
            try t.db.transaction { try t.db.run("INSERT INTO child (id, parent_id) VALUES (2, 1)") }
        }
        #expect(try t.db.scalar("SELECT count(*) FROM child")?.int64 == 1)
    }
}
