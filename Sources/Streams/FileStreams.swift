import Extract
import Foundation
import Transform
import WarehouseCore

/// Exports saved by hand or dropped in a folder: ArcGIS Online's credits report and Azure Cost
/// Management's actual-cost export.
extension StreamSpec {
    public static let agolCreditsCSV = StreamSpec(
        name: "agol-credits-csv", defaultSource: "arcgis", stream: "credits-report", window: .files, reprice: .monthsTouched,
        replaces: .usageBucket
    ) { data, file, options, now in
        try Normalize.creditsReport(
            try CreditsReport.decode(data, file: file), source: options.sourceName, org: options.org, asOf: (options.asOf ?? now).startOfDay,
            file: file)
    }

    /// https://learn.microsoft.com/azure/cost-management-billing/automate/understand-usage-details-fields
    public static let azureCostExport = StreamSpec(
        name: "azure-cost-export", defaultSource: "azure-export", stream: "cost-export", window: .files, reprice: .monthsTouched,
        replaces: .usageBucket
    ) { data, file, options, _ in
        Normalize.costExport(try CostExport.decode(data, file: file), source: options.sourceName)
    }
}
