import Foundation
import Load
import Transform
import WarehouseCore

/// A pricing scope: source, account, meter (both compared case-insensitively, as their
/// `COLLATE NOCASE` columns are) and billing month.
struct ScopeKey: Hashable {
    let source: String
    let account: String
    let meter: String
    let period: String
}

/// One row of `RepriceRun.usageSQL`: a usage row and the charge it has now, if any.
struct UsageRow {
    let usageID: Int64
    let source: String
    let accountID: String
    let meterID: String
    let resourceID: String
    let usageStart: String
    let unit: String?
    let customerID: String?
    let subscriptionID: String?
    let resourceGroup: String?
    let userName: String?
    let tags: String
    let scopeKey: ScopeKey
    let line: UsageLine
    let current: CurrentCharge?

    struct CurrentCharge: Equatable {
        let period: String
        let costCenterKey: String
        let amountMicros: Int64?
        let currency: String?
        let costCenter: String?
    }

    init(_ row: Row) throws {
        usageID = row.int64(0)
        source = row.string(1)
        accountID = row.string(2)
        meterID = row.string(3)
        resourceID = row.string(4)
        usageStart = row.string(5)
        let usageEnd = row.string(6)
        let quantityText = row.string(7)
        unit = row.optionalString(8)
        customerID = row.optionalString(9)
        subscriptionID = row.optionalString(10)
        resourceGroup = row.optionalString(11)
        userName = row.optionalString(12)
        tags = row.string(13)
        let cost = row.optionalString(14)
        let costCurrency = row.optionalString(15)
        current = row.int(16) == 0 ? nil : CurrentCharge(
            period: row.string(17), costCenterKey: row.string(18), amountMicros: row.optionalInt64(19),
            currency: row.optionalString(20), costCenter: row.optionalString(21))

        guard Self.isUTCStamp(usageStart) else {
            throw RepriceError("usage \(usageID): usage_start \"\(usageStart)\" is not a UTC time (YYYY-MM-DDTHH:MM:SSZ)")
        }
        guard let quantity = ExactDecimal.parse(quantityText) else {
            throw RepriceError("usage \(usageID): quantity \"\(quantityText)\" is not a number")
        }
        var billed: Decimal?
        if let cost {
            guard let value = ExactDecimal.parse(cost) else { throw RepriceError("usage \(usageID): cost \"\(cost)\" is not a number") }
            billed = value
        }
        let period = String(usageStart.prefix(7))
        scopeKey = ScopeKey(source: source, account: accountID.asciiLowercased, meter: meterID.asciiLowercased, period: period)
        line = UsageLine(
            key: resourceID.asciiLowercased + "\u{0}" + usageStart + "\u{0}" + usageEnd, quantity: quantity,
            day: String(usageStart.prefix(10)), isCredits: unit?.asciiLowercased == "credits", billedCost: billed,
            billedCurrency: costCurrency)
    }

    /// `YYYY-MM-DD...`: the schema stores UTC ISO-8601 text, so the month and day are prefixes.
    static func isUTCStamp(_ text: String) -> Bool {
        let bytes = Array(text.utf8.prefix(10))
        guard bytes.count == 10, bytes[4] == 0x2d, bytes[7] == 0x2d else { return false }
        return [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy { bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }
    }
}

extension String {
    /// Lower case for ASCII letters only: what SQLite's NOCASE collation folds, so grouping
    /// here agrees with the order and uniqueness of `COLLATE NOCASE` columns.
    var asciiLowercased: String {
        guard utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5a }) else { return self }
        return String(decoding: utf8.map { $0 >= 0x41 && $0 <= 0x5a ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}
