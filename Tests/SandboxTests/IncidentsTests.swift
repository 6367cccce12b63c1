import Foundation
import Sandbox
import Testing
import WarehouseCore

/// `--incidents DAY` plants three incidents (issue 18) and changes nothing else.
@Suite struct IncidentsTests {
    static let anchor = UTCTime(year: 2026, month: 11, day: 1)
    static let from = UTCTime(year: 2026, month: 10, day: 20), to = UTCTime(year: 2026, month: 12, day: 1)

    static func organizations(_ incidents: SandboxIncidents?) -> (SyntheticOrganization, ArcGISOrganization) {
        var configuration = SandboxConfiguration(seed: 42, recordsPerDay: 20)
        configuration.incidents = incidents
        return (configuration.makeOrganization(), ArcGISRoutes().organization(for: configuration))
    }

    /// Usage per subscription and usage day, in micro-units of each record's own quantity.
    static func hours(_ org: SyntheticOrganization, meterIsVM: Bool) -> [String: Int64] {
        var out: [String: Int64] = [:]
        for (_, sub) in org.usageSubscriptions {
            for i in 0..<org.recordCount(sub, from: from, to: to) {
                let r = org.record(sub, from: from, to: to, offset: i)
                guard r.meter.unit == (meterIsVM ? "Hours" : "1 GB/Month") else { continue }
                out["\(sub.id) \(r.usageStart.day)", default: 0] += r.quantityMicros
            }
        }
        return out
    }

    @Test func theIncidentsAreWhereTheBannerSaysAndNothingElseMoves() throws {
        let (plainAzure, plainArcGIS) = Self.organizations(nil)
        let (azure, arcgis) = Self.organizations(SandboxIncidents(anchor: Self.anchor))
        let planted = SandboxIncidents(anchor: Self.anchor).planted(azure: azure, arcgis: arcgis)
        #expect(planted.map(\.kind) == ["runaway-vm", "geocoding-burst", "storage-doubling"])
        let vm = planted[0], storage = planted[2]
        let before = Self.hours(plainAzure, meterIsVM: true), after = Self.hours(azure, meterIsVM: true)
        for (key, value) in after {
            let (sub, day) = (String(key.prefix { $0 != " " }), String(key.suffix(10)))
            if sub == vm.subject, (vm.firstDay.day...vm.lastDay!.day).contains(day) {
                #expect(value >= 480_000_000, "\(key): 20 × 24 hours on top of what else ran")
            } else if sub != storage.subject {
                #expect(value == before[key] ?? 0, "\(key) is unchanged")
            }
        }
        let stored = Self.hours(azure, meterIsVM: false)
        let daily = { (day: UTCTime) in stored["\(storage.subject) \(day.day)"] ?? 0 }
        #expect(daily(storage.firstDay) - daily(storage.firstDay.adding(days: -1)) >= 9_000_000_000, "the 10,000 GB item doubles")
        // ArcGIS: 2,000 credits more for the one user on the one day, the rest as generated.
        let user = planted[1]
        let day = user.firstDay
        let burst = arcgis.credits(from: day, to: day.adding(days: 1)), usual = plainArcGIS.credits(from: day, to: day.adding(days: 1))
        #expect((burst[user.subject]?["geocodecnt.geocode"] ?? 0) - (usual[user.subject]?["geocodecnt.geocode"] ?? 0) == 2_000)
        #expect(arcgis.credits(from: Self.from, to: day) == plainArcGIS.credits(from: Self.from, to: day))
    }

    @Test(arguments: ["2026-11-01", "recent"])
    func theOptionParses(text: String) throws {
        let now = UTCTime(year: 2026, month: 12, day: 1, hour: 6)
        let incidents = try #require(SandboxIncidents(parsing: text, now: now))
        #expect(incidents.anchor == (text == "recent" ? now.startOfDay.adding(days: -24) : Self.anchor))
        #expect(SandboxIncidents(parsing: "11/01/2026", now: now) == nil)
    }
}
