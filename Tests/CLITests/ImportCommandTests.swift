import Foundation
import Load
import TestSupport
import Testing

/// `warehouse import` end to end, on the built binary.
@Suite struct ImportCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "ExtractTests/Fixtures")

    static func fixture(_ name: String) -> String { fixtures.appending(path: name).path }

    /// Every row of every table (etl_runs aside when asked), for before/after comparisons.
    static func dump(_ path: String, withoutRuns: Bool = false) throws -> [String] {
        let db = try Database(path: path, mode: .readOnly)
        let tables = try db.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap { $0.first?.string }
        var lines: [String] = []
        for table in tables where !(withoutRuns && table == "etl_runs") {
            for row in try db.prepare("SELECT * FROM \(table) ORDER BY 1, 2").map({ $0.values.map(\.description).joined(separator: "|") }) {
                lines.append("\(table): \(row)")
            }
        }
        return lines
    }

    @Test func importsAFileTwiceWithoutChanges() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("w.db")
        let file = Self.fixture("GetAzureUtilization.json")
        let first = try CLI.run(["import", "--db", db, "--kind", "pc-utilization", file])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "\(file): pc-utilization into 'partnercenter': 37 records, 56 rows new or changed, 0 unchanged\n")
        let before = try Self.dump(db, withoutRuns: true)
        let second = try CLI.run(["import", "--db", db, "--kind", "pc-utilization", file])
        #expect(second.status == 0)
        #expect(second.stdout == "\(file): pc-utilization into 'partnercenter': already loaded, the current answer of its reported window; skipped\n")
        #expect(try Self.dump(db, withoutRuns: true) == before)
        let reader = try Database(path: db, mode: .readOnly)
        #expect(try reader.scalar("SELECT count(*) FROM usage")?.int64 == 37)
        #expect(try reader.scalar("SELECT count(*) FROM raw_pages")?.int64 == 1)
    }

    @Test func readsStandardInputAndGzip() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("w.db")
        let text = try String(contentsOfFile: Self.fixture("users-page.json"), encoding: .utf8)
        let fromStdin = try CLI.run(["import", "--db", db, "--kind", "agol-users", "--as-of", "2026-11-01", "-"], stdin: text)
        #expect(fromStdin.status == 0, "\(fromStdin.stderr)")
        #expect(fromStdin.stdout.hasPrefix("<stdin>: agol-users into 'arcgis': 3 records"))
        let gz = try CLI.run(["import", "--db", db, "--kind", "pc-ratecard", "--source", "csp", Self.fixture("GetAzureRateCard.json.gz")])
        #expect(gz.status == 0, "\(gz.stderr)")
        let reader = try Database(path: db, mode: .readOnly)
        #expect(try reader.scalar("SELECT count(*) FROM rates WHERE source = 'csp'")?.int64 == 2)
        #expect(try reader.scalar("SELECT count(*) FROM credit_budgets WHERE snapshot_date = '2026-11-01'")?.int64 == 3)
        #expect(try reader.scalar("SELECT request FROM raw_pages WHERE kind = 'agol-users'")?.string == "<stdin>")
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        let name: String
        let arguments: [String]
        let file: String
        let message: String
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        Bad(name: "truncated JSON", arguments: ["--kind", "pc-utilization"], file: "truncated-utilization.json", message: ": line "),
        Bad(name: "wrong kind", arguments: ["--kind", "pc-ratecard"], file: "GetCustomerSubscription.json", message: ": currency: missing 'currency'"),
        Bad(name: "CSV with no header", arguments: ["--kind", "agol-credits-csv", "--org", "O"], file: "no-header.csv", message: ": no header row found"),
        Bad(name: "unknown kind", arguments: ["--kind", "pc-invoices"], file: "GetAzureRateCard.json", message: ": unknown kind 'pc-invoices'"),
        Bad(name: "missing file", arguments: ["--kind", "pc-ratecard"], file: "does-not-exist.json", message: ": cannot read"),
    ]

    @Test(arguments: bad)
    func badInputExitsOneWithOneLineAndChangesNothing(_ c: Bad) throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("w.db")
        #expect(try CLI.run(["import", "--db", db, "--kind", "pc-ratecard", Self.fixture("GetAzureRateCard.json")]).status == 0)
        let before = try Self.dump(db)
        let file = Self.fixture(c.file)
        let result = try CLI.run(["import", "--db", db] + c.arguments + [file])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("warehouse: \(file)\(c.message)"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try Self.dump(db) == before)
    }

    @Test func aFileWithoutItsSubscriptionAsksForIt() throws {
        let dir = try TemporaryDirectory()
        let page = #"{"items":[{"usageStartTime":"2026-10-01T00:00:00-07:00","usageEndTime":"2026-10-02T00:00:00-07:00","resource":{"id":"M"},"quantity":2}]}"#
        let db = dir.path("w.db")
        let refused = try CLI.run(["import", "--db", db, "--kind", "pc-utilization", "-"], stdin: page)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("<stdin>: ") && refused.stderr.contains("--subscription"))
        let accepted = try CLI.run(
            ["import", "--db", db, "--kind", "pc-utilization", "--subscription", "SUB", "--customer", "CUST", "--reported-day", "2026-10-02", "-"],
            stdin: page)
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let reader = try Database(path: db, mode: .readOnly)
        #expect(try reader.rows("SELECT account_id, customer_id, usage_start FROM usage").first?.map(\.description) == ["sub", "cust", "2026-10-01T07:00:00Z"])
        #expect(try reader.scalar("SELECT context FROM raw_pages")?.string == #"{"customer":"CUST","subscription":"SUB","reported_start":"2026-10-02T00:00:00Z","reported_end":"2026-10-03T00:00:00Z"}"#)
    }

    /// A quoted pattern is expanded by the import itself, sorted (the argument parser reads
    /// 10,000 arguments in seconds); one that matches nothing is one line naming it, and nothing
    /// is imported.
    @Test func aQuotedPatternIsExpandedHereSorted() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path("pages"), withIntermediateDirectories: true)
        for name in ["b.json", "a.json"] {
            try FileManager.default.copyItem(atPath: Self.fixture("GetAzureUtilization.json"), toPath: dir.path("pages/\(name)"))
        }
        let db = dir.path("w.db")
        let result = try CLI.run(["import", "--db", db, "--kind", "pc-utilization", dir.path("pages") + "/*.json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").map { $0.prefix { $0 != ":" } } == [dir.path("pages/a.json"), dir.path("pages/b.json")].map { Substring($0) })
        #expect(try Database(path: db, mode: .readOnly).scalar("SELECT count(*) FROM raw_pages")?.int64 == 1)

        #expect(try CLI.run(["init", "--db", dir.path("empty.db")]).status == 0)
        let before = try Self.dump(dir.path("empty.db"))
        let pattern = dir.path("pages") + "/*.csv"
        let none = try CLI.run(["import", "--db", dir.path("empty.db"), "--kind", "pc-utilization", Self.fixture("GetAzureUtilization.json"), pattern])
        #expect(none.status == 1)
        #expect(none.stderr == "warehouse: \(pattern): no file matches this pattern\n")
        #expect(try Self.dump(dir.path("empty.db")) == before)
    }
}
