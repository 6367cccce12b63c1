import Foundation
import Sandbox
import Testing
import WarehouseCore

struct SyntheticOrganizationTests {
    static let start = UTCTime(year: 2026, month: 2, day: 1)
    static let end = UTCTime(year: 2026, month: 3, day: 1)

    @Test func sameSeedSameOrganizationOtherSeedOther() throws {
        let a = SyntheticOrganization(seed: 1), b = SyntheticOrganization(seed: 1), c = SyntheticOrganization(seed: 2)
        let sub = try #require(a.usageSubscriptions.first?.subscription)
        #expect(a.customers.map(\.id) == b.customers.map(\.id))
        #expect(a.customers.map(\.id) != c.customers.map(\.id))
        #expect(a.groundTruth(sub, from: Self.start, to: Self.end) == b.groundTruth(sub, from: Self.start, to: Self.end))
    }

    @Test func aRecordIsAPureFunctionOfItsIndex() throws {
        let org = SyntheticOrganization(seed: 5, recordsPerDay: 1_000_000)
        let sub = try #require(org.usageSubscriptions.first?.subscription)
        // Record 2,500,000 of a 28-million-record window, without generating the ones before it.
        #expect(org.recordCount(sub, from: Self.start, to: Self.end) == 28_000_000)
        let r1 = org.record(sub, from: Self.start, to: Self.end, offset: 2_500_000)
        let r2 = org.record(sub, from: Self.start, to: Self.end, offset: 2_500_000)
        #expect(r1.canonical == r2.canonical)
        #expect(r1.reported == Self.start.adding(days: 2))
    }

    @Test func theDataHasTheQuirksOfRealData() throws {
        let org = SyntheticOrganization(seed: 42, customers: 4, recordsPerDay: 200)
        var late = 0, adjustments = 0, untagged = 0, tagKeys = Set<String>(), tagValues = Set<String>(), tiered = 0, included = 0
        var segments = Set<String>()
        for (_, sub) in org.usageSubscriptions {
            for i in 0..<org.recordCount(sub, from: Self.start, to: Self.end) {
                let r = org.record(sub, from: Self.start, to: Self.end, offset: i)
                if r.usageStart < r.reported.adding(days: -1) { late += 1 }
                if r.isAdjustment { adjustments += 1 }
                // Late usage is marked as such, and is the only usage of days before yesterday.
                #expect(r.isLate == (r.usageStart < r.reported.adding(days: -1)))
                if let tags = r.resource.tags {
                    tags.forEach { tagKeys.insert($0.0); tagValues.insert($0.1) }
                } else {
                    untagged += 1
                }
                if r.meter.rates.count > 1 { tiered += 1 }
                if r.meter.includedQuantity != "0" { included += 1 }
                segments.insert(r.resource.uri.split(separator: "/")[2].description)
            }
        }
        #expect(late > 0)
        #expect(adjustments > 0)
        #expect(untagged > 0)
        #expect(tiered > 0)
        #expect(included > 0)
        #expect(segments == ["resourceGroups", "resourcegroups"])
        #expect(Set(tagKeys.map { $0.lowercased().replacingOccurrences(of: "-", with: "") }).contains("costcenter"))
        #expect(tagKeys.filter { $0.lowercased().replacingOccurrences(of: "-", with: "") == "costcenter" }.count >= 3)
        #expect(tagValues.contains("Operations") && tagValues.contains("operations"))
    }

    @Test(arguments: [("small", 20), ("medium", 1000), ("large", 50000), ("1234", 1234)])
    func scales(_ name: String, _ perDay: Int) {
        #expect(SandboxConfiguration.recordsPerDay(scale: name) == perDay)
    }

    @Test(arguments: ["huge", "0", "-3"])
    func unknownScales(_ name: String) {
        #expect(SandboxConfiguration.recordsPerDay(scale: name) == nil)
    }

    @Test func faultListsParse() throws {
        #expect(try SandboxFaults.parse("throttle,not-ready").get() == [.throttle, .notReady])
        #expect(try SandboxFaults.parse("all").get() == .all)
        #expect(try SandboxFaults.parse("none").get() == [])
        #expect(throws: SandboxConfigurationError.self) { try SandboxFaults.parse("throttle,explode").get() }
    }
}
