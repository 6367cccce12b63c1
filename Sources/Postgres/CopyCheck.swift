import Foundation
import Load

/// What `warehouse copy` checks before it commits: every table's row count, and the invoice's
/// totals, asked of both sides with the same SQL. Values are compared as text (PostgreSQL sums a
/// bigint into numeric, SQLite into an integer: the digits are the same when the money is).
enum CopyCheck {
    /// Each (period, currency) of `charge_facts`: how many charges and their exact sum.
    static let invoiceTotals =
        "SELECT period, currency, count(*), sum(amount_micros) FROM charge_facts GROUP BY period, currency"
    /// The totals the triggers keep per period, which `warehouse invoice` checks its rollup against.
    static let chargeTotals = "SELECT period, records, priced, amount_micros FROM charge_totals"

    /// Throws the first difference between `source` and `destination`, as one line.
    static func compare(source: WarehouseSide, destination: WarehouseSide, tables: [String]) async throws {
        for table in tables {
            let (from, to) = (try await source.count(table), try await destination.count(table))
            guard from == to else { throw PostgresError("copy: check failed: table \(table) has \(from) rows in the source, \(to) in the copy; nothing was copied") }
        }
        for (name, sql) in [("invoice totals (charge_facts by period and currency)", invoiceTotals), ("charge_totals", chargeTotals)] {
            let from = try await canonical(source.rows(sql)), to = try await canonical(destination.rows(sql))
            guard from == to else {
                let first = zip(from, to).first { $0 != $1 }.map { "\($0.0) ≠ \($0.1)" } ?? "\(from.count) rows ≠ \(to.count) rows"
                throw PostgresError("copy: check failed: \(name) differ (\(first)); nothing was copied")
            }
        }
    }

    /// Rows as sorted lines of text, NULL spelled so it differs from every value.
    static func canonical(_ rows: [[SQLValue]]) -> [String] {
        rows.map { row in row.map { $0.isNull ? "NULL" : "'\($0.description)'" }.joined(separator: " | ") }.sorted()
    }
}

extension PostgresSession {
    /// After rows arrive with their ids, each identity column's next value is past the largest id,
    /// so the next insert that lets PostgreSQL choose does not collide.
    func resetIdentities() async throws {
        let identities = try await rows(
            "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'")
        for row in identities {
            guard let table = row[0].string, let column = row[1].string else { continue }
            try await execute(
                "SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(\(SQLName.quoted(column))) FROM \(SQLName.quoted(table))), 0) + 1, false)",
                [.text(SQLName.quoted(table)), .text(column)])
        }
    }
}
