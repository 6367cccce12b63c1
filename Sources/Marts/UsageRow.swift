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
        var position = 0
        for byte in text.utf8 {
            let ok = position == 4 || position == 7 ? byte == 0x2d : byte &- 0x30 < 10
            guard ok else { return false }
            position += 1
            if position == 10 { return true }
        }
        return false
    }
}

extension String {
    /// Lower case for ASCII letters only: what SQLite's NOCASE collation folds, so grouping
    /// here agrees with the order and uniqueness of `COLLATE NOCASE` columns.
    /// (A plain loop over the bytes: the generic `contains(where:)` and `map` it replaces were a
    /// tenth of a bulk reprice's time.)
    var asciiLowercased: String {
        var upper = false
        for byte in utf8 where byte &- 0x41 < 26 {
            upper = true
            break
        }
        guard upper else { return self }
        let count = utf8.count
        return String(unsafeUninitializedCapacity: count) { buffer in
            var i = 0
            for byte in utf8 {
                buffer[i] = byte &- 0x41 < 26 ? byte + 0x20 : byte
                i += 1
            }
            return i
        }
    }
}
