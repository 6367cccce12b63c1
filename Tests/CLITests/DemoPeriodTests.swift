import Foundation
import TestSupport
import Testing

/// `warehouse demo` on the calendar days a new user hits: the 1st of a month (the month that
/// ended at midnight is complete and is the one invoiced) and mid-month (last month, complete,
/// not this month so far). Every command it suggests is run and must print real rows.
@Suite struct DemoPeriodTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var now: String
        var invoiced: String
        var snapshotMonth: String
        var firstPulledDay: String
        var testDescription: String { now }
    }

    @Test(arguments: [
        Case(now: "2026-12-01T03:00:00Z", invoiced: "2026-11", snapshotMonth: "2026-12", firstPulledDay: "2026-10-01"),
        Case(now: "2026-12-15T03:00:00Z", invoiced: "2026-11", snapshotMonth: "2026-12", firstPulledDay: "2026-11-01"),
        Case(now: "2027-01-01T00:00:00Z", invoiced: "2026-12", snapshotMonth: "2027-01", firstPulledDay: "2026-11-01"),
    ])
    func invoicesTheLastCompleteMonthAndEverySuggestionPrintsRows(_ c: Case) async throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("demo.db")
        let result = try await CLI.runAsync(["demo", "--db", db, "--now", c.now], environment: ["no_proxy": "127.0.0.1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Invoice for \(c.invoiced), by cost center"))
        #expect(result.stdout.contains("Top credit users, \(c.invoiced)"))
        #expect(result.stdout.contains(", \(c.firstPulledDay) to "))
        let commands = Self.suggestions(result.stdout)
        #expect(commands.count == 3)
        #expect(commands.contains { $0.contains("invoice") && $0.contains("--period \(c.invoiced)") })
        #expect(commands.contains { $0.contains("report budgets") && $0.contains("--period \(c.snapshotMonth)") })
        for command in commands {
            // Piped, every command prints JSON: count its data rows.
            let step = try await CLI.runAsync(Self.arguments(command))
            #expect(step.status == 0, "\(command): \(step.stderr)")
            let rows = try Self.dataRows(step.stdout)
            #expect(rows > 0, "\(command) printed no rows: \(step.stdout.prefix(400))")
        }
    }

    /// The lines under "Next, try:" that are commands.
    static func suggestions(_ stdout: String) -> [String] {
        let next = stdout.components(separatedBy: "Next, try:\n").last ?? ""
        return next.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("warehouse ") }
    }

    /// Split like a shell would for these simple lines: words, and double-quoted arguments.
    static func arguments(_ command: String) -> [String] {
        var arguments: [String] = []
        let parts = command.dropFirst("warehouse ".count).components(separatedBy: "\"")
        for (index, part) in parts.enumerated() {
            if index % 2 == 1 { arguments.append(part) } else { arguments += part.split(separator: " ").map(String.init) }
        }
        return arguments
    }

    /// The rows a command's JSON holds: an invoice's lines, a report's first section (its main
    /// table: the later ones are filters of it, and may rightly be empty), an SQL result's rows.
    static func dataRows(_ json: String) throws -> Int {
        let value = try JSONSerialization.jsonObject(with: Data(json.utf8))
        if let rows = value as? [Any] { return rows.count }
        let object = try #require(value as? [String: Any])
        if let invoices = object["invoices"] as? [[String: Any]] {
            return invoices.flatMap { $0["groups"] as? [[String: Any]] ?? [] }.flatMap { $0["lines"] as? [Any] ?? [] }.count
        }
        let sections = try #require(object["sections"] as? [String: Any])
        let kind = try #require(object["report"] as? String)
        let main = try #require(sections[kind] as? [[String: Any]], "no section \(kind)")
        // A user without a budget (budgeting off) is listed with empty figures: not a real row.
        return kind == "budgets" ? main.filter { $0["assigned"] is String }.count : main.count
    }
}
