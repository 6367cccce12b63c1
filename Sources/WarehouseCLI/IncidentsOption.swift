import ArgumentParser
import Sandbox
import WarehouseCore

/// `--incidents DAY` of `sandbox` and `demo`: plant the anomalies of issue 18 (`Sandbox/Incidents.swift`).
enum IncidentsOption {
    static let help = ArgumentHelp(
        "Plant incidents from this day on: a runaway VM (DAY..DAY+2), a geocoding burst (DAY+7), a storage item doubling (from DAY+14); recent = 24 days ago.",
        valueName: "YYYY-MM-DD|recent")

    /// The incidents `text` names, or a wrong-argument error naming the option.
    static func parse(_ text: String?, now: UTCTime) throws -> SandboxIncidents? {
        guard let text else { return nil }
        guard let incidents = SandboxIncidents(parsing: text, now: now) else {
            throw ValidationError("--incidents must be a day YYYY-MM-DD or recent, not '\(text)'")
        }
        return incidents
    }

    /// One line per planted incident, for the banner.
    static func describe(_ server: SandboxServer) -> String {
        guard let incidents = server.configuration.incidents else { return "" }
        let arcgis = ArcGISRoutes().organization(for: server.configuration)
        return incidents.planted(azure: server.organization, arcgis: arcgis).map { incident in
            let days = incident.lastDay.map { $0 == incident.firstDay ? incident.firstDay.day : "\(incident.firstDay.day)..\($0.day)" }
                ?? "from \(incident.firstDay.day)"
            return "incident: \(incident.kind) in \(incident.subject), \(days)\n"
        }.joined()
    }
}
