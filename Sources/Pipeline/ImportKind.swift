import Foundation

/// What a file holds, as `warehouse import --kind` names it.
public enum ImportKind: String, CaseIterable, Sendable {
    case pcCustomers = "pc-customers"
    case pcSubscriptions = "pc-subscriptions"
    case pcUtilization = "pc-utilization"
    case pcRateCard = "pc-ratecard"
    case azureUsage = "azure-usage"
    case azureRateCard = "azure-ratecard"
    case agolSelf = "agol-self"
    case agolUsers = "agol-users"
    case agolItems = "agol-items"
    case agolUsage = "agol-usage"
    case agolCreditsCSV = "agol-credits-csv"
    case azureCostExport = "azure-cost-export"

    /// The source name used when `--source` is not given.
    public var defaultSource: String {
        switch self {
        case .pcCustomers, .pcSubscriptions, .pcUtilization, .pcRateCard: return "partnercenter"
        case .azureUsage, .azureRateCard: return "azure"
        case .agolSelf, .agolUsers, .agolItems, .agolUsage, .agolCreditsCSV: return "arcgis"
        case .azureCostExport: return "azure-export"
        }
    }

    /// The `raw_pages.stream` the file is stored under.
    public var stream: String {
        switch self {
        case .pcCustomers: return "customers"
        case .pcSubscriptions: return "subscriptions"
        case .pcUtilization: return "utilization"
        case .pcRateCard, .azureRateCard: return "ratecard"
        case .azureUsage, .agolUsage: return "usage"
        case .agolSelf: return "portal"
        case .agolUsers: return "users"
        case .agolItems: return "items"
        case .agolCreditsCSV: return "credits-report"
        case .azureCostExport: return "cost-export"
        }
    }

    /// Every kind, for help and error messages.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
