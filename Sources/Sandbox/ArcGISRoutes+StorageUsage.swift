import Foundation
import WarehouseCore

/// Storage in the usage API: `portals/{orgId}/usage?etype=stg` answers, per owner (`groupby`
/// with `username`) or for the org, `stg.features` (hosted feature data, attachments left out)
/// and `stg.portal` (files, and hosted layers' attachments), each day with `stg` (the bytes
/// stored, a level) and `credits` (that day's share of the month's charge: feature data 2.4
/// credits per 10 MB a month, files 1.2 credits per GB a month, MB = 1024² and GB = 1024³
/// bytes, divided by the days of the month). Only when the request names `etype=stg`: service
/// usage is what the other answers carry (the warehouse prices storage from item sizes).
/// Rates: https://doc.arcgis.com/en/arcgis-online/administer/credits.htm ("Storage")
extension ArcGISRoutes {
    static func isStorageRequest(_ params: [String: String]) -> Bool {
        (params["etype"] ?? params["eType"] ?? "").lowercased() == "stg"
    }

    /// Bytes per owner: feature data and file storage (views cost nothing: their item size is 0).
    static func storedBytes(_ org: ArcGISOrganization) -> [String: (features: Int64, files: Int64)] {
        var bytes: [String: (features: Int64, files: Int64)] = [:]
        for item in org.items where item.size > 0 {
            var current = bytes[item.owner] ?? (0, 0)
            if item.type == "Feature Service" {
                current.features += item.featureBytes
                current.files += item.attachmentBytes
            } else {
                current.files += item.size
            }
            bytes[item.owner] = current
        }
        return bytes
    }

    /// One day's storage credits for `bytes` of `stype` in a month of `days` days, to 10 places.
    static func storageCredits(_ bytes: Int64, stype: String, days: Int) -> String {
        let perMonth = stype == "features"
            ? Decimal(bytes) * Decimal(24) / 10 / Decimal(10 * 1_048_576) : Decimal(bytes) * Decimal(12) / 10 / Decimal(1_073_741_824)
        var exact = perMonth / Decimal(days), rounded = Decimal()
        NSDecimalRound(&rounded, &exact, 10, .plain)
        return ExactDecimal.format(rounded)
    }

    func storageUsage(_ params: [String: String], _ org: ArcGISOrganization, firstDay: Int64, lastDay: Int64) -> SandboxResponse {
        let groupby = Set((params["groupby"] ?? "").lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let vars = (params["vars"] ?? "credits").lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var owners = Self.storedBytes(org).map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }
        if !groupby.contains("username") {
            owners = [("", owners.reduce((Int64(0), Int64(0))) { ($0.0 + $1.1.features, $0.1 + $1.1.files) })]
        }
        var w = JSONWriter()
        w.beginObject()
        w.member("startTime", number: String(firstDay * 86_400_000))
        w.member("endTime", number: String(lastDay * 86_400_000))
        w.member("period", "1d")
        w.array("data") { a in
            for (owner, bytes) in owners {
                for (stype, stored) in [("features", bytes.features), ("portal", bytes.files)] where stored > 0 {
                    a.beginObject()
                    if !owner.isEmpty { a.member("username", owner) }
                    a.member("etype", "stg")
                    a.member("stype", stype)
                    for name in vars where name == "credits" || name == "stg" {
                        a.array(name) { series in
                            for day in firstDay..<max(firstDay, lastDay) {
                                let (y, m, _) = UTCTime(seconds: day * 86_400).civil
                                series.beginArray()
                                series.string(String(day * 86_400_000))
                                series.string(name == "stg" ? String(stored) : Self.storageCredits(stored, stype: stype, days: UTCTime.daysIn(year: y, month: m)))
                                series.endArray()
                            }
                        }
                    }
                    a.endObject()
                }
            }
        }
        w.endObject()
        return .json(200, w)
    }
}
