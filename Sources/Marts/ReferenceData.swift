import Config
import Foundation
import Load
import Transform
import WarehouseCore

/// Rate cards, offer terms, user tags and customers, each read once and cached for the run.
struct ReferenceData {
    let db: Database
    let config: WarehouseConfig
    private var schedules: [String: RateSchedule?] = [:]
    private var terms: [String: [OfferTerm]] = [:]
    private var parsedTags: [String: [CostCenterFacts.Tag]] = [:]
    private var userTags: [String: [String]] = [:]
    private var customers: [String: String?] = [:]

    init(db: Database, config: WarehouseConfig) {
        self.db = db
        self.config = config
    }

    /// The meter's rate cards in one currency (the configured one when the meter has cards in
    /// it, else the alphabetically first), oldest first; nil when the meter has no rate.
    mutating func schedule(source: String, meter: String) throws -> RateSchedule? {
        let cacheKey = source + "\u{0}" + meter
        if let cached = schedules[cacheKey] { return cached }
        struct Rows { var rates: [(tierMinimum: String, unitPrice: String)] = []; var included = "0"; var volume = false }
        var cards: [String: Rows] = [:]  // currency \0 effective_date
        try db.cached("""
            SELECT currency, effective_date, tier_min, unit_price, included_quantity, tier_mode
            FROM rates WHERE source = ? AND meter_id = ?
            """).bind(source, meter).forEachRow { row in
            let key = row.string(0).uppercased() + "\u{0}" + row.string(1)
            var card = cards[key] ?? Rows()
            card.rates.append((row.string(2), row.string(3)))
            let included = row.string(4)
            if let value = ExactDecimal.parse(included), let current = ExactDecimal.parse(card.included), value > current {
                card.included = included
            }
            card.volume = card.volume || row.string(5) == TierMode.volume.rawValue
            cards[key] = card
        }
        let currencies = Set(cards.keys.map { String($0.prefix { $0 != "\u{0}" }) })
        guard let currency = currencies.contains(config.currency.uppercased()) ? config.currency.uppercased() : currencies.min() else {
            schedules[cacheKey] = .some(nil)
            return nil
        }
        // Two texts of one day ("2017-01-01", "2017-01-01T00:00:00Z"): the later text wins.
        var byDay: [String: (text: String, card: RateCard)] = [:]
        for (key, rows) in cards where key.hasPrefix(currency + "\u{0}") {
            let text = String(key.dropFirst(currency.count + 1))
            guard let day = UTCTime.parse(text)?.day else {
                throw RepriceError("rates: meter \(meter) of \(source): effective_date \"\(text)\" is not a date")
            }
            let mode: TierMode = rows.volume || config.pricing.tierMode == .volume ? .volume : .graduated
            guard let card = RateCard(currency: currency, effectiveDay: day, rates: rows.rates, includedQuantity: rows.included, mode: mode)
            else {
                throw RepriceError("rates: meter \(meter) of \(source) effective \(text): a tier_min, unit_price or included_quantity is not a number")
            }
            if let existing = byDay[day], existing.text > text { continue }
            byDay[day] = (text, card)
        }
        let schedule = RateSchedule(byDay.values.map(\.card))
        schedules[cacheKey] = .some(schedule)
        return schedule
    }

    mutating func offerTerms(source: String) throws -> [OfferTerm] {
        if let cached = terms[source] { return cached }
        var result: [OfferTerm] = []
        try db.cached("SELECT name, currency, effective_date, discount, excluded_meter_ids FROM offer_terms WHERE source = ?")
            .bind(source).forEachRow { row in
                let name = row.string(0)
                guard let day = UTCTime.parse(row.string(2))?.day, let discount = ExactDecimal.parse(row.string(3)) else {
                    throw RepriceError("offer_terms: \"\(name)\" of \(source): effective_date or discount is not valid")
                }
                let excluded = (try? JSONSerialization.jsonObject(with: Data(row.string(4).utf8))) as? [Any] ?? []
                result.append(OfferTerm(
                    name: name, currency: row.string(1).uppercased(), effectiveDay: day, discount: discount,
                    excludedMeterIDs: excluded.compactMap { $0 as? String }))
            }
        terms[source] = result
        return result
    }

    private struct FactsKey: Hashable {
        let source: String
        let tags: String
        let user: String?
        let resourceGroup: String?
        let subscription: String
        let customer: String?
    }
    private var costCenters: [FactsKey: String] = [:]

    /// The cost center of one usage row. Rows share resources, users and subscriptions, so the
    /// rules run once per distinct combination, not once per row.
    mutating func costCenter(for row: UsageRow, rules: CostCenterRules, effective: [CostCenterRule]) throws -> String {
        let key = FactsKey(
            source: row.source, tags: row.tags, user: row.userName, resourceGroup: row.resourceGroup,
            subscription: row.subscriptionID ?? row.accountID, customer: row.customerID)
        if let name = costCenters[key] { return name }
        let name = rules.assign(try facts(for: row), using: effective)
        costCenters[key] = name
        return name
    }

    /// What the cost-center rules see of one usage row.
    mutating func facts(for row: UsageRow) throws -> CostCenterFacts {
        let tags: [CostCenterFacts.Tag]
        if let cached = parsedTags[row.tags] {
            tags = cached
        } else {
            tags = CostCenterFacts.tags(fromJSON: row.tags)
            parsedTags[row.tags] = tags
        }
        let subscription = row.subscriptionID ?? row.accountID
        return CostCenterFacts(
            resourceTags: tags, userName: row.userName,
            userTags: try row.userName.map { try userTagsOf(source: row.source, user: $0) } ?? [],
            resourceGroup: row.resourceGroup, subscription: subscription,
            customer: try row.customerID ?? customer(source: row.source, subscription: subscription))
    }

    private mutating func userTagsOf(source: String, user: String) throws -> [String] {
        let key = source + "\u{0}" + user
        if let cached = userTags[key] { return cached }
        let text = try db.cached("SELECT tags FROM users WHERE source = ? AND user_name = ?").bind(source, user).first { $0.string(0) }
        let tags = text.map(CostCenterFacts.userTags(fromJSON:)) ?? []
        userTags[key] = tags
        return tags
    }

    private mutating func customer(source: String, subscription: String) throws -> String? {
        let key = source + "\u{0}" + subscription.asciiLowercased
        if let cached = customers[key] { return cached }
        let id = try db.cached("SELECT customer_id FROM subscriptions WHERE source = ? AND subscription_id = ?")
            .bind(source, subscription).first { $0.optionalString(0) } ?? nil
        customers[key] = .some(id)
        return id
    }
}
