import Foundation

/// The names ArcGIS Online gives its credit-consuming service types, by the `<etype>.<stype>`
/// meter the usage API reports (`svcusg.geoenrich`): the names of the capabilities in Esri's
/// "Credits by capability" table, which the org's credits reports use.
/// https://doc.arcgis.com/en/arcgis-online/administer/credits.htm ("Understand credits", section
/// "Credits by capability"; formerly …/arcgis-online/reference/credits.htm). Esri's own spelling is
/// kept (GeoEnrichment, a product name); "Tile and data storage" is the table's older name for
/// "storage of all content, excluding hosted feature layers", which fits a report column.
///
/// The usage API and `portals/{org}/usage` name no service, and ArcGIS sources write no `meters`
/// rows, so without this table a report shows the code twice. A name in `meters` (a credits
/// report import, or a user's own row) still wins.
///
/// The reverse table (a credits report's service name to its meter) is
/// `Normalize.reportMeters` in Sources/Transform/Normalize+CreditsReport.swift: it is keyed by
/// squeezed lower-case names (`simpleroutes`), not display names, so it cannot be inverted into
/// this one; the two should change together.
public enum ArcGISServiceTypes {
    /// Display name by lower-cased meter code. Tile and file storage are one capability at one
    /// rate in Esri's table; they are told apart here because the warehouse meters them apart.
    public static let names: [String: String] = [
        "geocodecnt.geocode": "Geocoding",
        "svcusg.geoenrich": "GeoEnrichment",
        "svcusg.spanalysis": "Spatial analysis",
        "svcusg.elevanalysis": "Elevation analysis",
        "svcusg.nasimpleroute": "Simple routes",
        "svcusg.natsproute": "Optimized routes",
        "svcusg.naservicearea": "Service areas",
        "svcusg.nacfroute": "Closest facility routes",
        "svcusg.demogmaps": "Demographic maps",
        "tilegencnt.tiles": "Tile generation",
        "stg.features": "Feature storage",
        "stg.portal": "Tile and data storage (files and attachments)",
        "stg.tiles": "Tile and data storage (tiles)",
    ]

    /// The display name of `meterID`, or nil when it is not a known service type.
    public static func name(of meterID: String) -> String? {
        names[meterID.lowercased()]
    }
}
