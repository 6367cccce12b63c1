import Foundation
import Load
import Transform
import WarehouseCore

/// A pricing scope: source, account, meter (canonical ids: ASCII lower case, as the version-4
/// `COLLATE NOCASE` columns compared them) and billing month.
struct ScopeKey: Hashable, Sendable {
    let source: String
    let account: String
    let meter: String
    let period: String
}

/// One row of `RepriceRun.usageSQL`: a usage row, its ids and details read through `FactNames`,
/// and the charge it has now, if any.
struct UsageRow: Sendable {
    let usageID: Int64
    /// The billing account's key: with `usageID`, a charge's key on PostgreSQL, where it is the
    /// distribution column of `usage_facts` and `charge_facts`.
    let accountKey: Int64
    let source: String
    let accountID: String
    let meterID: String
    let unit: String?
    let customerID: String?
    let subscriptionID: String?
    let resourceGroup: String?
    let userName: String?
    let tags: String
    let scopeKey: ScopeKey
    let line: UsageLine
    let current: CurrentCharge?

    struct CurrentCharge: Equatable, Sendable {
        let period: String
        let nameKey: Int64
        let amountMicros: Int64?
        let currency: String?
    }

    init(_ row: Row, names: inout FactNames) throws {
        usageID = row.int64(0)
        accountKey = row.int64(1)
        let account = try names.account(row.int64(1))
        let meter = try names.meter(row.int64(2))
        let resource = try names.resource(row.int64(3))
        let start = row.int64(4)
        let end = row.int64(5)
        let quantityText = row.string(6)
        let details = try names.details(row.int64(7))
        let cost = row.optionalString(8)
        let costCurrency = row.optionalString(9)
        current = row.int(10) == 0 ? nil : CurrentCharge(
            period: row.string(11), nameKey: row.int64(12), amountMicros: row.optionalInt64(13), currency: row.optionalString(14))
        source = account.source
        accountID = account.spelling
        meterID = meter.spelling
        unit = details.unit
        customerID = details.customerID
        subscriptionID = details.subscriptionID
        resourceGroup = details.resourceGroup
        userName = details.userName
        tags = details.tags

        guard let quantity = ExactDecimal.parse(quantityText) else {
            throw RepriceError("usage \(usageID): quantity \"\(quantityText)\" is not a number")
        }
        var billed: Decimal?
        if let cost {
            guard let value = ExactDecimal.parse(cost) else { throw RepriceError("usage \(usageID): cost \"\(cost)\" is not a number") }
            billed = value
        }
        let day = names.day(start)
        scopeKey = ScopeKey(source: source, account: account.canonical, meter: meter.canonical, period: String(day.prefix(7)))
        // Seconds in ten digits (2001-09-09 to 2286-11-20) sort as the ISO-8601 text they stand for.
        line = UsageLine(
            key: resource + "\u{0}" + String(start) + "\u{0}" + String(end), quantity: quantity, day: day,
            isCredits: details.unit?.asciiLowercased == "credits", billedCost: billed, billedCurrency: costCurrency)
    }
}

/// The dimension rows usage rows point at, each read once per reprice.
struct FactNames {
    struct Name {
        let source: String
        let spelling: String
        let canonical: String
    }

    struct Details {
        let unit: String?
        let customerID: String?
        let subscriptionID: String?
        let resourceGroup: String?
        let userName: String?
        let tags: String
    }

    let db: Database
    private var accounts: [Int64: Name] = [:]
    private var meters: [Int64: Name] = [:]
    private var resources: [Int64: String] = [:]
    private var details: [Int64: Details] = [:]
    private var days: [Int64: String] = [:]

    init(db: Database) { self.db = db }

    mutating func account(_ key: Int64) throws -> Name {
        if let name = accounts[key] { return name }
        let name = try lookup("SELECT source, spelling, account_id FROM account_keys WHERE account_key = ?", key)
        accounts[key] = name
        return name
    }

    mutating func meter(_ key: Int64) throws -> Name {
        if let name = meters[key] { return name }
        let name = try lookup("SELECT source, spelling, meter_id FROM meter_keys WHERE meter_key = ?", key)
        meters[key] = name
        return name
    }

    mutating func resource(_ key: Int64) throws -> String {
        if let id = resources[key] { return id }
        let id = try lookup("SELECT source, spelling, resource_id FROM resource_keys WHERE resource_key = ?", key).canonical
        if resources.count >= DimensionKeys.limit { resources = [:] }
        resources[key] = id
        return id
    }

    mutating func details(_ key: Int64) throws -> Details {
        if let found = details[key] { return found }
        let sql = "SELECT unit, customer_id, subscription_id, resource_group, user_name, tags FROM usage_details WHERE detail_key = ?"
        guard let found = try db.cached(sql).bind(key).first({
            Details(
                unit: $0.optionalString(0), customerID: $0.optionalString(1), subscriptionID: $0.optionalString(2),
                resourceGroup: $0.optionalString(3), userName: $0.optionalString(4), tags: $0.string(5))
        }) else { throw RepriceError("usage details \(key) are missing") }
        if details.count >= DimensionKeys.limit { details = [:] }
        details[key] = found
        return found
    }

    /// `YYYY-MM-DD` of an instant (seconds), formatted once per day.
    mutating func day(_ seconds: Int64) -> String {
        let start = UTCTime(seconds: seconds).startOfDay
        if let day = days[start.seconds] { return day }
        let day = start.day
        days[start.seconds] = day
        return day
    }

    private func lookup(_ sql: String, _ key: Int64) throws -> Name {
        guard let name = try db.cached(sql).bind(key).first({ Name(source: $0.string(0), spelling: $0.string(1), canonical: $0.string(2)) })
        else { throw RepriceError("dimension key \(key) is missing (\(sql))") }
        return name
    }
}
