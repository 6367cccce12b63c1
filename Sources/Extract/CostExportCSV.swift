import Foundation
import WarehouseCore

/// An Azure Cost Management export (actual cost) as CSV.
///
/// Column names vary by account type: EA and pay-as-you-go exports say `Cost`, `ResourceGroup`,
/// `Date` (`MM/dd/yyyy`); MCA exports say `costInBillingCurrency`, `resourceGroupName`, `date`;
/// both are matched ignoring case, spaces and underscores, through the aliases below.
/// `Tags` is JSON-ish: an object, or its members without braces (`"env": "prod","team": "x"`).
/// See https://learn.microsoft.com/azure/cost-management-billing/automate/understand-usage-details-fields
public struct CostExport: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var line: Int
        /// The usage day (midnight UTC).
        public var date: UTCTime
        public var subscriptionID: String
        public var meterID: String?
        public var meterName: String?
        public var meterCategory: String?
        public var meterSubcategory: String?
        public var meterRegion: String?
        public var quantity: Decimal
        public var unit: String?
        public var cost: Decimal
        public var currency: String
        public var resourceGroup: String?
        public var resourceID: String?
        /// EA's `ResourceName` (the parent's name for a nested resource: `ahbtest1` for its database):
        /// "" when the export has the column and leaves it empty, nil when it has no such column.
        public var resourceName: String?
        public var location: String?
        public var tags: JSONObject
        public var chargeType: String?
        /// The columns Microsoft's FOCUS conversion reads (`ChargeTerms`), kept from schema version 7 on.
        public var charge = ChargeTerms()
    }

    public var rows: [Row]

    /// The aliases of each logical column, most specific first.
    public enum Column {
        public static let date = ["Date", "UsageDate", "UsageDateTime", "ChargePeriodStart"]
        public static let subscription = ["SubscriptionId", "SubscriptionGuid", "SubAccountId"]
        public static let meterID = ["MeterId"]
        public static let meterName = ["MeterName"]
        public static let meterCategory = ["MeterCategory"]
        public static let meterSubcategory = ["MeterSubCategory"]
        public static let meterRegion = ["MeterRegion"]
        public static let quantity = ["Quantity", "UsageQuantity", "ConsumedQuantity"]
        public static let unit = ["UnitOfMeasure", "Unit"]
        public static let cost = ["CostInBillingCurrency", "Cost", "PreTaxCost", "BilledCost"]
        public static let currency = ["BillingCurrency", "BillingCurrencyCode", "Currency"]
        public static let resourceGroup = ["ResourceGroup", "ResourceGroupName"]
        public static let resourceID = ["ResourceId", "InstanceId", "InstanceName"]
        public static let resourceName = ["ResourceName"]
        public static let location = ["ResourceLocation", "Location"]
        public static let tags = ["Tags"]
        public static let chargeType = ["ChargeType"]
    }

    public static func decode(_ data: Data, file: String) throws -> CostExport {
        let table = try CSVTable.parse(try DocumentReader.text(data, file: file), file: file)
        guard let headerRecord = table.records.first else {
            throw DocumentError(file: file, message: "empty file, expected a cost export header")
        }
        let header = CSVHeader(headerRecord.fields)
        func require(_ aliases: [String]) throws -> Int {
            guard let i = header.index(aliases) else {
                throw DocumentError(
                    file: file, position: "line \(headerRecord.line)",
                    message: "expected a cost export header with a '\(aliases[0])' column (found: \(headerRecord.fields.prefix(8).joined(separator: ",")))")
            }
            return i
        }
        let date = try require(Column.date), subscription = try require(Column.subscription)
        let quantity = try require(Column.quantity), cost = try require(Column.cost), currency = try require(Column.currency)
        let optional = (
            meterID: header.index(Column.meterID), meterName: header.index(Column.meterName),
            category: header.index(Column.meterCategory), subcategory: header.index(Column.meterSubcategory),
            region: header.index(Column.meterRegion), unit: header.index(Column.unit),
            resourceGroup: header.index(Column.resourceGroup), resourceID: header.index(Column.resourceID),
            resourceName: header.index(Column.resourceName), location: header.index(Column.location),
            tags: header.index(Column.tags), chargeType: header.index(Column.chargeType))
        let terms = ChargeColumns(header)
        var rows: [Row] = []
        for record in table.records.dropFirst() {
            func problem(_ message: String) -> DocumentError { DocumentError(file: file, position: "line \(record.line)", message: message) }
            guard record.fields.count == header.names.count else {
                throw problem("expected \(header.names.count) fields, found \(record.fields.count)")
            }
            func field(_ i: Int?) -> String? {
                guard let i else { return nil }
                let value = record.fields[i].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
            func number(_ i: Int, _ name: String) throws -> Decimal {
                try ImportBounds.number(field(i) ?? "", in: name, problem: problem)
            }
            guard let day = parseDate(field(date) ?? "") else {
                throw problem("expected a date (MM/dd/yyyy or ISO-8601) in \(header.names[date]), found '\(field(date) ?? "")'")
            }
            guard let sub = field(subscription) else { throw problem("expected a subscription id in \(header.names[subscription])") }
            guard let cur = field(currency), cur.count == 3 else {
                throw problem("expected a three-letter currency in \(header.names[currency]), found '\(field(currency) ?? "")'")
            }
            let tags = try field(optional.tags).map { try parseTags($0, problem: problem) } ?? JSONObject()
            rows.append(
                Row(
                    line: record.line, date: day, subscriptionID: sub, meterID: field(optional.meterID),
                    meterName: field(optional.meterName), meterCategory: field(optional.category),
                    meterSubcategory: field(optional.subcategory), meterRegion: field(optional.region),
                    quantity: try number(quantity, header.names[quantity]), unit: field(optional.unit),
                    cost: try number(cost, header.names[cost]), currency: cur.uppercased(),
                    resourceGroup: field(optional.resourceGroup), resourceID: field(optional.resourceID),
                    resourceName: optional.resourceName.map { field($0) ?? "" },
                    location: field(optional.location), tags: tags, chargeType: field(optional.chargeType),
                    charge: try terms.read(field, problem: problem)))
        }
        return CostExport(rows: rows)
    }

    /// `MM/dd/yyyy` (exports) or ISO-8601 (`2026-10-01`, `2026-10-01T00:00:00Z`), as the day's start.
    public static func parseDate(_ text: String) -> UTCTime? {
        let parts = text.split(separator: "/")
        if parts.count == 3, let m = Int(parts[0]), let d = Int(parts[1]), let y = Int(parts[2].prefix(4)), parts[2].count == 4,
            (1...12).contains(m), (1...UTCTime.daysIn(year: y, month: m)).contains(d)
        {
            return UTCTime(year: y, month: m, day: d)
        }
        return UTCTime.parse(text)?.startOfDay
    }

    static func parseTags(_ text: String, problem: (String) -> DocumentError) throws -> JSONObject {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let json = trimmed.hasPrefix("{") ? trimmed : "{" + trimmed + "}"
        guard case .object(let object)? = try? JSONParser.parse(json) else {
            throw problem("expected Tags as a JSON object or its members, found '\(text.prefix(60))'")
        }
        return object
    }
}
