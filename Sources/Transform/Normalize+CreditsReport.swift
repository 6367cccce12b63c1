import Extract
import Foundation
import WarehouseCore

extension Normalize {
    /// The ArcGIS credits report CSV: one usage row per user, service and interval (the report's
    /// date column, else the day `asOf`), in credits, with the same `resource_id` convention as
    /// the usage API (`user:<name>`). Service names are mapped to `<etype>.<stype>` meters where
    /// known (`Geocoding` -> `geocodecnt.geocode`), else `report.<name>`.
    public static func creditsReport(_ report: CreditsReport, source: String, org: String?, asOf: UTCTime, file: String) throws -> FactBatch {
        guard let org else {
            throw NormalizeError(file: file, message: "a credits report does not name its org: pass --org for this file")
        }
        var batch = FactBatch()
        let day = asOf.startOfDay
        for row in report.rows {
            batch.records += 1
            if row.credits.isZero { continue }
            let meter = row.etype.map { arcgisMeter(etype: $0, stype: row.service) } ?? reportMeter(row.service)
            var fact = UsageFact(
                source: source, accountID: org, resourceID: arcgisResource(user: row.username, name: nil), meterID: meter,
                usageStart: row.start ?? day, usageEnd: row.end ?? day.adding(days: 1), quantity: row.credits, unit: "credits")
            fact.userName = row.username
            batch.add(fact)
        }
        return batch
    }

    static let reportMeters: [String: String] = [
        "geocoding": "geocodecnt.geocode", "geocode": "geocodecnt.geocode", "batchgeocoding": "geocodecnt.geocode",
        "featurestorage": "stg.features", "filestorage": "stg.portal", "tilestorage": "stg.tiles",
        "spatialanalysis": "svcusg.spanalysis", "analysis": "svcusg.spanalysis", "geoenrichment": "svcusg.geoenrich",
        "demographicmaps": "svcusg.demogmaps", "tilegeneration": "tilegencnt.tiles", "simpleroutes": "svcusg.nasimpleroute",
        "routing": "svcusg.nasimpleroute", "optimizedroutes": "svcusg.natsproute", "servicearea": "svcusg.naservicearea",
        "closestfacility": "svcusg.nacfroute", "elevationanalysis": "svcusg.elevanalysis",
    ]

    static func reportMeter(_ service: String) -> String {
        let normalized = String(service.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) })
        if let known = reportMeters[normalized] { return known }
        let parts = service.lowercased().split(separator: ".")
        if parts.count == 2, parts.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) { return service.lowercased() }
        return "report." + normalized
    }
}
