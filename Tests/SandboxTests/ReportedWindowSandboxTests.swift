import Extract
import Foundation
import Sandbox
import Testing
import WarehouseCore

/// The sandbox serves what Partner Center and UsageAggregates mean (docs/contracts/reported-windows.md):
/// records selected by reported day; late usage is another record reported later (some of them
/// negative adjustments), never a re-statement; asking again gives the same bytes; the
/// `restated-window` fault changes a window already served, from its second serving on.
struct ReportedWindowSandboxTests {
    static let start = UTCTime(year: 2026, month: 3, day: 1)
    static let end = UTCTime(year: 2026, month: 3, day: 8)

    @Test func lateUsageAndAdjustmentsAddToTheirUsageDay() throws {
        let org = SyntheticOrganization(seed: 11, customers: 2, recordsPerDay: 40)
        let sub = try #require(org.usageSubscriptions.first?.subscription)
        let answer = ReportedWindowAnswer(org, sub, from: Self.start, to: Self.end)
        let records = answer.records
        #expect(records.contains { $0.isLate } && records.contains { $0.isAdjustment })
        #expect(records.allSatisfy { !$0.isAdjustment || $0.isLate }, "only late records are negative")
        // The totals over the week are the totals of its days added up: nothing replaces anything.
        var byDay: [String: Int64] = [:]
        for day in SyntheticOrganization.reportedDays(from: Self.start, to: Self.end) {
            for (key, micros) in ReportedWindowAnswer(org, sub, from: day, to: day.adding(days: 1)).totals { byDay[key, default: 0] += micros }
        }
        #expect(answer.totals == byDay)
        // A usage day reported on several days: its total is the sum of every report.
        let lateKey = try #require(records.first { $0.isLate }).meter.id.lowercased()
        #expect(answer.totals.keys.contains { $0.contains(lateKey) })
    }

    @Test func aRestatedAnswerLacksOneRecordAndChangesAnother() throws {
        let org = SyntheticOrganization(seed: 11, recordsPerDay: 40)
        let sub = try #require(org.usageSubscriptions.first?.subscription)
        let day = UTCTime(year: 2026, month: 3, day: 3)
        let first = ReportedWindowAnswer(org, sub, from: day, to: day.adding(days: 1)).records
        let again = ReportedWindowAnswer(org, sub, from: day, to: day.adding(days: 1), restated: [day]).records
        #expect(first.count == 40 && again.count == 39)
        let (gone, changed) = org.restatedWindow(sub, reportedDay: day)
        #expect(gone != changed)
        var expected = first.map(\.canonical)
        expected[changed] = again[changed > gone ? changed - 1 : changed].canonical
        expected.remove(at: gone)
        #expect(again.map(\.canonical) == expected)
        #expect(first[changed].quantityMicros != again[changed > gone ? changed - 1 : changed].quantityMicros)
    }

    @Test func restatedWindowIsNamedNotPartOfAll() throws {
        #expect(!SandboxFaults.all.contains(.restatedWindow))
        #expect(try SandboxFaults.parse("all,restated-window").get() == SandboxFaults.all.union(.restatedWindow))
        #expect(try SandboxFaults.parse("restated-window").get() == .restatedWindow)
    }

    static func day(_ harness: Harness, _ day: UTCTime) async throws -> [Data] {
        let (customer, sub) = try #require(harness.server.organization.usageSubscriptions.first)
        var bodies: [Data] = []
        for try await page in harness.partnerCenter(pageSize: 15).utilization(
            customerID: customer.id, subscriptionID: sub.id, from: day, to: day.adding(days: 1))
        {
            bodies.append(page.body)
        }
        return bodies
    }

    @Test func askingAgainGivesTheSameBytesUnlessTheWindowIsRestated() async throws {
        let clean = try await Harness(SandboxConfiguration(seed: 5, customers: 1, recordsPerDay: 40))
        defer { Task { await clean.server.stop() } }
        let day = UTCTime(year: 2026, month: 3, day: 2)
        let once = try await Self.day(clean, day)
        #expect(once.count == 3)
        #expect(try await Self.day(clean, day) == once)

        let faulty = try await Harness(SandboxConfiguration(seed: 5, customers: 1, recordsPerDay: 40, faults: .restatedWindow))
        defer { Task { await faulty.server.stop() } }
        #expect(try await Self.day(faulty, day) == once, "the first answer is the clean one, on every page")
        let restated = try await Self.day(faulty, day)
        #expect(restated != once)
        #expect(try await Self.day(faulty, day) == restated, "a restated answer stays as restated")
        #expect(faulty.server.state.injectedFaults["restated-window", default: 0] >= 2)
    }
}
