import Foundation
import WarehouseCore

extension ArcGISRoutes {
    /// `GET /portals/{orgId}/usage?startTime&endTime&period=1d&groupby&vars` (contracts/agol.md §5):
    /// one row per group of the `groupby` keys (`username`, `userorgid`, `stype`, `etype`), each
    /// with one `[timestampMsString, valueString]` series per var (`credits`, `num`). Only `1d` is
    /// served, for at most 92 days; longer ranges get an error envelope (string `details`).
    func usage(_ params: [String: String], _ org: ArcGISOrganization) -> SandboxResponse {
        // Times from 1970 to the end of year 9999 only: the day arithmetic below cannot overflow.
        let latest: Int64 = 253_402_300_799_999
        guard let startMs = Int64(params["startTime"] ?? ""), let endMs = Int64(params["endTime"] ?? ""), startMs < endMs,
            startMs >= 0, endMs <= latest
        else {
            return envelope(400, "Invalid startTime or endTime.", details: .list(["startTime and endTime are required, in milliseconds."]))
        }
        let period = params["period"] ?? "1d"
        guard period == "1d" else {
            return envelope(400, "The sandbox serves period=1d only.", details: .list([]))
        }
        guard endMs - startMs <= 92 * 86_400_000 else {
            return envelope(400, "Unable to process request. Time range too large for period.", details: .text("The time range cannot exceed 92 days for period 1d."))
        }
        // Buckets: the days whose start lies in [startTime, endTime).
        let firstDay = (startMs + 86_399_999) / 86_400_000, lastDay = (endMs + 86_399_999) / 86_400_000
        if Self.isStorageRequest(params) { return storageUsage(params, org, firstDay: firstDay, lastDay: lastDay) }
        let groupby = Set((params["groupby"] ?? "").lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let vars = (params["vars"] ?? "credits").lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        struct Key: Hashable { let user: String?; let etype: String?; let stype: String? }
        var groups: [Key: [Int64: Int]] = [:]
        var order: [Key] = []
        for user in org.users {
            for (s, service) in ArcGISOrganization.services.enumerated() where org.isActive(user: user.index, service: s) {
                let key = Key(
                    user: groupby.contains("username") ? user.username : nil, etype: groupby.contains("etype") ? service.etype : nil,
                    stype: groupby.contains("stype") ? service.stype : nil)
                for day in firstDay..<max(firstDay, lastDay) {
                    let units = org.usageUnits(user: user.index, service: s, day: day)
                    guard units > 0 else { continue }
                    if groups[key] == nil { order.append(key) }
                    groups[key, default: [:]][day, default: 0] += units
                }
            }
        }
        var w = JSONWriter(capacity: 64 * groups.count + 128)
        w.beginObject()
        w.member("startTime", number: String(startMs))
        w.member("endTime", number: String(endMs))
        w.member("period", period)
        w.array("data") { a in
            for key in order {
                guard let days = groups[key] else { continue }
                a.beginObject()
                if let user = key.user {
                    a.member("username", user)
                    if groupby.contains("userorgid") { a.member("userOrgId", org.id) }
                }
                if let etype = key.etype { a.member("etype", etype) }
                if let stype = key.stype { a.member("stype", stype) }
                // The first bucket always, then only days with usage (the real service also
                // writes zero buckets; one per row keeps the "0.0" case in every response).
                var points = days.keys.sorted()
                if points.first != firstDay { points.insert(firstDay, at: 0) }
                for name in vars where name == "credits" || name == "num" {
                    a.array(name) { series in
                        for day in points {
                            let units = days[day] ?? 0
                            series.beginArray()
                            series.string(String(day * 86_400_000))
                            series.string(name == "credits" ? ArcGISOrganization.valueText(units) : String((units + 99) / 100))
                            series.endArray()
                        }
                    }
                }
                a.endObject()
            }
        }
        w.endObject()
        return .json(200, w)
    }
}
