import Foundation
import TestSupport
import Testing

/// Issue 18: `report anomalies` and `report forecast` on a warehouse loaded through `import`:
/// an Azure cost export (USD) and an ArcGIS Online usage response (credits), 92 days with a weekly
/// cycle (weekdays high, weekends low), one spike in each, a subscription that begins and one that stops.
@Suite struct AnomalyReportTests {
    static let spikeDay = "2026-09-16", burstDay = "2026-09-23"

    /// The warehouse of the suite, built once per test (fresh each time).
    static func warehouse(_ dir: TemporaryDirectory, days: Int = 92) throws -> String {
        let db = dir.path("w.db")
        var csv = ["SubscriptionId,Date,MeterId,MeterCategory,MeterSubCategory,MeterRegion,MeterName,Quantity,Cost,BillingCurrency,ResourceGroup,UnitOfMeasure,Tags,ChargeType"]
        var points: [String] = []
        let start = Int64(20_635)  // 2026-07-01
        for i in 0..<days {
            let day = start + Int64(i), date = dateParts(day)
            let weekend = day % 7 == 2 || day % 7 == 3
            let tag = { (cc: String) in #""{""CostCenter"": ""\#(cc)""}""# }
            func row(_ sub: String, _ meter: String, _ name: String, _ cost: String, _ cc: String) -> String {
                "\(sub),\(date.us),\(meter),Virtual Machines,D2,EU West,\(name),24,\(cost),USD,rg1,Hours,\(tag(cc)),Usage"
            }
            csv.append(row("sub-a", "m-vm", "Compute Hours", weekend ? "\(20 + i % 3).25" : "\(100 + (i * 37) % 9).25", "Planning"))
            if date.iso == spikeDay { csv.append(row("sub-a", "m-vm8", "Compute Hours D8", "500", "Planning")) }
            if date.iso >= "2026-09-10" { csv.append(row("sub-b", "m-st", "LRS Data Stored", "30", "GIS")) }
            if date.iso <= "2026-09-05" { csv.append(row("sub-c", "m-st", "LRS Data Stored", "50", "GIS")) }
            let credits = date.iso == burstDay ? "2010" : weekend ? "1" : "\(10 + i % 4).5"
            points.append(#"["\#(day * 86_400_000)","\#(credits)"]"#)
        }
        try (csv.joined(separator: "\n") + "\n").write(toFile: dir.path("export.csv"), atomically: true, encoding: .utf8)
        let usage = #"{"startTime":\#(start * 86_400_000),"endTime":\#((start + Int64(days)) * 86_400_000),"period":"1d","data":[{"username":"alice","etype":"geocodecnt","stype":"geocode","credits":[\#(points.joined(separator: ","))]}]}"#
        try usage.write(toFile: dir.path("usage.json"), atomically: true, encoding: .utf8)
        for arguments in [["--kind", "azure-cost-export", dir.path("export.csv")], ["--kind", "agol-usage", "--org", "org1", dir.path("usage.json")]] {
            let imported = try CLI.run(["import", "--db", db] + arguments)
            #expect(imported.status == 0, "\(imported.stderr)")
        }
        return db
    }

    static func dateParts(_ day: Int64) -> (iso: String, us: String) {
        let date = Date(timeIntervalSince1970: TimeInterval(day * 86_400))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        let two = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        return ("\(c.year!)-\(two(c.month!))-\(two(c.day!))", "\(two(c.month!))/\(two(c.day!))/\(c.year!)")
    }

    static func json(_ db: String, _ group: String, period: String = "2026-09") throws -> [String: Any] {
        let result = try CLI.run(["report", "anomalies", "--db", db, "--period", period, "--group", group, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    static func rows(_ report: [String: Any], _ section: String) -> [[String: String]] {
        ((report["sections"] as? [String: Any])?[section] as? [[String: Any]] ?? []).map { $0.compactMapValues { $0 as? String } }
    }

    /// Each spike is flagged with what drove it; no weekend day is (the weekly cycle is expected);
    /// the new and the vanished subscription are listed as such, not as outliers.
    @Test(arguments: [("subscription", "sub-a", spikeDay, "USD", "Compute Hours D8"), ("user", "alice", burstDay, "credits", "geocodecnt.geocode")])
    func spikesAreFlaggedWithTheirDrivers(group: String, series: String, day: String, measure: String, driver: String) throws {
        let dir = try TemporaryDirectory()
        let db = try Self.warehouse(dir)
        let report = try Self.json(db, group)
        let flags = Self.rows(report, "anomalies").filter { $0["measure"] == measure }
        #expect(flags.map { "\($0["group"]!) \($0["day"]!)" } == ["\(series) \(day)"])
        #expect(flags.first?["drivers"]?.hasPrefix(driver) == true, "\(flags)")
        if group == "subscription" {
            #expect(Self.rows(report, "new_series").map { "\($0["group"]!) \($0["first_day"]!)" } == ["sub-b 2026-09-10"])
            #expect(Self.rows(report, "vanished_series").map { "\($0["group"]!) \($0["since"]!)" } == ["sub-c 2026-09-06"])
        }
    }

    /// `scripts/check_anomalies.py` (standard-library Python reading the SQLite file) flags the
    /// same days with the same expected values, for every grouping.
    @Test(arguments: ["costCenter", "user", "customer", "subscription", "meter"])
    func pythonRecomputesTheSameFlags(group: String) async throws {
        let dir = try TemporaryDirectory()
        let db = try Self.warehouse(dir)
        let swift = Self.rows(try Self.json(db, group), "anomalies").map { "\($0["measure"]!) \($0["group"]!) \($0["day"]!) \($0["actual"]!)" }
        let python = try await Self.python(["flags", db, "--period", "2026-09-01..2026-09-30", "--group", group])
        let flags = python.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["kind"] == nil }
            .map { f -> String in
                let measure = f["measure"] as! String, micros = (f["actual"] as! NSNumber).int64Value
                let group = (f["series"] as! String).isEmpty ? "Unassigned" : f["series"] as! String
                return "\(measure) \(group) \(f["day"]!) \(Self.format(micros, places: measure == "credits" ? 3 : 2))"
            }
        #expect(swift == flags)
        #expect(!swift.isEmpty || group == "customer")
    }

    static func python(_ arguments: [String]) async throws -> String {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "scripts/check_anomalies.py")
        let result = await (try CLI.Running([script.path] + arguments, executable: URL(fileURLWithPath: "/usr/bin/python3"))).result()
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    /// Micro-units with `places` decimals, half away from zero (non-negative amounts here).
    static func format(_ micros: Int64, places: Int) -> String {
        let power = { (n: Int) in (0..<n).reduce(Int64(1)) { value, _ in value * 10 } }
        let unit = power(6 - places), scaled = (micros + unit / 2) / unit
        let divisor = power(places)
        let fraction = String(scaled % divisor)
        return "\(scaled / divisor).\(String(repeating: "0", count: places - fraction.count))\(fraction)"
    }

    /// The same warehouse gives the same report, byte for byte, in every format.
    @Test(arguments: ["json", "html", "csv", "table"])
    func aSecondRunIsByteIdentical(format: String) throws {
        let dir = try TemporaryDirectory()
        let db = try Self.warehouse(dir)
        let arguments = ["report", "anomalies", "--db", db, "--period", "2026-08..2026-09", "--group", "subscription", "--format", format]
        let first = try CLI.run(arguments), second = try CLI.run(arguments)
        #expect(first.status == 0 && !first.stdout.isEmpty, "\(first.stderr)")
        #expect(first.stdout == second.stdout)
        if format == "html" {
            #expect(first.stdout.contains("<svg class=\"spark\"") && first.stdout.contains("<circle"))
            #expect(!first.stdout.contains("http://") && !first.stdout.contains("https://") && !first.stdout.contains("<script"))
        }
    }

    /// No history, or a week of it: one clear line and exit 1, not a crash or a report of every day.
    @Test(arguments: [0, 7])
    func aShortHistoryIsOneClearLine(days: Int) throws {
        let dir = try TemporaryDirectory()
        let db: String
        if days == 0 {
            db = dir.path("w.db")
            #expect(try CLI.run(["init", "--db", db]).status == 0)
        } else {
            db = try Self.warehouse(dir, days: days)
        }
        let result = try CLI.run(["report", "anomalies", "--db", db, "--period", "2026-07", "--format", "json"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("days of history"), "\(result.stderr)")
        #expect(result.stderr.contains(days == 0 ? "no usage" : "2026-07-01 to 2026-07-07"), "\(result.stderr)")
    }

    /// The forecast of a month half read: so far plus the weekday baseline of the rest, within its
    /// range, with the configured budget of the cost center beside it.
    @Test func theForecastAddsTheBaselineOfTheRemainingDaysAndShowsTheBudget() throws {
        let dir = try TemporaryDirectory()
        let db = try Self.warehouse(dir, days: 77)  // to 2026-09-15
        try "currency: USD\nalerts:\n  cost_centers: {budgets: {planning: \"2000\"}}\n".write(toFile: dir.path("w.yaml"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["report", "forecast", "--db", db, "--period", "2026-09", "--config", dir.path("w.yaml"), "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        let planning = try #require(Self.rows(report, "forecast").first { $0["group"] == "Planning" })
        #expect(planning["data_through"] == "2026-09-15")
        #expect(planning["budget"] == "2000.00")
        let soFar = Decimal(string: planning["month_to_date"]!)!, forecast = Decimal(string: planning["forecast"]!)!
        let low = Decimal(string: planning["low"]!)!, high = Decimal(string: planning["high"]!)!
        // 15 days left: 11 weekdays near 104 and 4 weekend days near 21.
        #expect(forecast - soFar > 11 * 100 + 4 * 20 && forecast - soFar < 11 * 110 + 4 * 23, "\(planning)")
        #expect(low <= forecast && forecast <= high && soFar <= low)
        #expect(planning["forecast_percent_of_budget"] == ReportPercent.of(forecast, 2000))
    }
}

enum ReportPercent {
    static func of(_ part: Decimal, _ whole: Decimal) -> String {
        var value = part / whole * 100, rounded = Decimal()
        NSDecimalRound(&rounded, &value, 1, .plain)
        return "\(rounded)"
    }
}
