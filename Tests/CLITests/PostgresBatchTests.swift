import Foundation
import Load
import Postgres
import TestSupport
import Testing

/// The server's batch path (`UsageFactStore.upsert(_:pageCounts:)`, `delete(_:)`, the array
/// literals they bind) against SQLite's row-at-a-time path, which is the reference: the same
/// batches, the same answers per row, the same rows and `usage_id`s after.
@Suite(.postgresCluster, .serialized)
struct PostgresBatchTests {
    /// A new warehouse in database `name` of the cluster, as `Database` sees one.
    static func remote(_ cluster: PostgresCluster, _ name: String) async throws -> Database {
        let url = try PostgresURL.parse(try await cluster.database(name), environment: cluster.environment)
        let db = Database(remote: try PostgresRemote.connect(url))
        try db.remote!.openWarehouse(readOnly: false)
        return db
    }

    /// Text an array literal must carry unchanged: quotes, backslashes, the literal's own
    /// punctuation, the word NULL, empty text, spaces at the ends, a new line, non-ASCII.
    static let awkward: [SQLValue] = [
        .text(#"a"b"#), .text(#"back\slash"#), .text(#"\""#), .text("{brace}"), .text("comma,"), .text(""), .null, .text("NULL"),
        .text("null"), .text("  padded  "), .text("line\nbreak"), .text("é€😀"), .text(#"{"json": [1, "x"]}"#),
    ]

    @Test func arrayLiteralsCarryEveryTextAndIntegerExactly() async throws {
        let db = try await Self.remote(try #require(PostgresCluster.current), "literals")
        let texts = try db.rows(
            "SELECT v FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS t (v, n) ORDER BY n", SQLArrayLiteral.make(Self.awkward)
        ).map { $0[0] }
        #expect(texts == Self.awkward)
        let numbers: [SQLValue] = [.integer(.min), .integer(-1), .integer(0), .null, .integer(.max)]
        let back = try db.rows("SELECT v FROM unnest(CAST(? AS bigint[])) WITH ORDINALITY AS t (v, n) ORDER BY n", SQLArrayLiteral.make(numbers))
        #expect(back.map { $0[0] } == numbers)
    }

    static func row(_ account: String, meter: String, day: Int, quantity: String, cost: String? = nil, window: Int? = nil) -> UsageFactStore.Row {
        let date = "2026-10-" + (day < 10 ? "0\(day)" : "\(day)")
        let reported = window.map { "2026-10-" + ($0 < 10 ? "0\($0)" : "\($0)") }
        return UsageFactStore.Row(
            source: "pc", accountID: account, resourceID: "/subscriptions/\(account)/resourceGroups/rg/providers/x/vm", meterID: meter,
            usageStart: date + "T00:00:00Z", usageEnd: date + "T23:59:59Z", quantity: quantity, unit: "Hours", customerID: "c",
            subscriptionID: account, resourceGroup: "rg", userName: nil, location: nil, tags: #"{"team":"a\"b"}"#, cost: cost,
            costCurrency: cost == nil ? nil : "USD", pageID: nil, reportedStart: reported.map { $0 + "T00:00:00Z" } ?? "",
            reportedEnd: reported.map { $0 + "T23:59:59Z" } ?? "")
    }

    /// Batches with keys repeated (changed and unchanged), rows already stored, and ids of both
    /// spellings; then a window's rows deleted. Each is applied to SQLite row by row and to
    /// PostgreSQL as one batch.
    static let batches: [[UsageFactStore.Row]] = [
        [
            row("SUB-1", meter: "m1", day: 1, quantity: "1.5"), row("sub-1", meter: "m2", day: 1, quantity: "2"),
            row("sub-1", meter: "m1", day: 1, quantity: "1.75"), row("sub-2", meter: "m1", day: 2, quantity: "3", cost: "0.30"),
            row("SUB-1", meter: "m1", day: 1, quantity: "1.75"), row("sub-1", meter: "m2", day: 1, quantity: "2"),
            row("sub-1", meter: "m1", day: 1, quantity: "1.8"),
        ],
        [
            row("sub-1", meter: "m1", day: 1, quantity: "1.5"), row("sub-1", meter: "m2", day: 1, quantity: "2"),
            row("sub-2", meter: "m1", day: 2, quantity: "3", cost: "0.31"), row("sub-3", meter: "m3", day: 3, quantity: "0", window: 3),
            row("sub-3", meter: "m3", day: 4, quantity: "0.0000001", window: 3),
        ],
    ]

    /// Every column of every usage row, by id.
    static func snapshot(_ db: Database) throws -> [[SQLValue]] {
        try db.rows("SELECT usage_id, source, account_id, meter_id, resource_id, usage_start, usage_end, quantity, cost, tags FROM usage ORDER BY usage_id")
    }

    @Test(arguments: [true, false])
    func aBatchOnTheServerDoesWhatRowsOneByOneDoInAFile(pageCounts: Bool) async throws {
        let cluster = try #require(PostgresCluster.current)
        let file = try TestWarehouse()
        // The same batches into a second file through the batch API: its multi-row statements
        // (`fileUpsert`) must answer and write as rows one by one do.
        let batchedFile = try TestWarehouse()
        let server = try await Self.remote(cluster, "batch_\(pageCounts)")
        for rows in Self.batches {
            let expected = try file.db.transaction {
                let store = UsageFactStore(file.db)
                return try rows.map { try store.upsert($0, pageCounts: pageCounts) }
            }
            for db in [server, batchedFile.db] {
                let answered = try db.transaction {
                    let store = UsageFactStore(db)
                    return try store.upsert(rows.map { (row: $0, key: try store.key($0)) }, pageCounts: pageCounts)
                }
                #expect(answered == expected)
                #expect(try Self.snapshot(db) == Self.snapshot(file.db))
            }
        }
        let window = (source: "pc", account: "sub-3", start: "2026-10-03T00:00:00Z", end: "2026-10-03T23:59:59Z")
        for db in [file.db, server] {
            try db.transaction {
                let store = UsageFactStore(db)
                try store.delete(try store.windowRows(source: window.source, accountID: window.account, start: window.start, end: window.end))
            }
        }
        let left = try Self.snapshot(server)
        #expect(left == (try Self.snapshot(file.db)) && left.count == 3)
    }
}

/// `charge_totals` as its triggers keep it, statement-level (the schema's) or row-level (Citus's,
/// `PostgresSchema.citusRowTriggers`): after every sample is imported, priced and rebuilt (charges
/// inserted, updated and deleted), each period's totals are those of a recount of `charge_facts`.
@Suite(.postgresCluster, .serialized)
struct PostgresChargeTotalsTests {
    @Test(arguments: [false, true])
    func chargeTotalsEqualARecount(rowTriggers: Bool) async throws {
        let cluster = try #require(PostgresCluster.current)
        let dir = try TemporaryDirectory()
        let url = try await cluster.database(rowTriggers ? "row_triggers" : "statement_triggers")
        #expect(try CLI.run(["init", "--db", url], environment: cluster.environment).status == 0)
        if rowTriggers {
            let target = try PostgresURL.parse(url, environment: cluster.environment)
            try await PostgresSession.with(target) { try await $0.executeScript(PostgresSchema.citusRowTriggers) }
        }
        for (fixture, arguments) in PostgresWriteTests.samples {
            let path = dir.path(fixture)
            try Fixture.data(fixture).write(to: URL(fileURLWithPath: path))
            let loaded = try CLI.run(["import", path, "--db", url] + arguments, environment: cluster.environment)
            #expect(loaded.status == 0, "\(fixture): \(loaded.stderr)")
        }
        #expect(try CLI.run(["rebuild", "--db", url], environment: cluster.environment).status == 0)
        let (kept, counted) = try await cluster.session(String(url.split(separator: "/").last!)) { session in
            // Updates that move charges between periods and change amounts, and deletes (by cascade).
            _ = try await session.execute("UPDATE charge_facts SET amount_micros = amount_micros + 1 WHERE usage_id % 3 = 0 AND amount_micros IS NOT NULL")
            _ = try await session.execute("UPDATE charge_facts SET period = '2020-01' WHERE usage_id % 7 = 0")
            _ = try await session.execute("DELETE FROM usage_facts WHERE usage_id % 5 = 0")
            return (
                try await session.rows("SELECT period, records, priced, amount_micros FROM charge_totals WHERE records > 0 ORDER BY period"),
                try await session.rows("""
                    SELECT period, count(*), count(amount_micros), COALESCE(sum(amount_micros), 0)::bigint FROM charge_facts
                    GROUP BY period ORDER BY period
                    """)
            )
        }
        #expect(!counted.isEmpty && kept == counted)
        let triggers = try await cluster.session(String(url.split(separator: "/").last!)) {
            try await $0.rows("SELECT count(*) FROM information_schema.triggers WHERE event_object_table = 'charge_facts' AND action_orientation = 'ROW'")
        }
        #expect(triggers == [[.integer(rowTriggers ? 3 : 0)]], "information_schema lists a trigger once per event")
    }
}
