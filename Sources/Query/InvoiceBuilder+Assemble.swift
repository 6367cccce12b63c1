import Foundation
import Load
import WarehouseCore

extension InvoiceBuilder {
    /// Where a bucket belongs once names are resolved: its currency, group and displayed line.
    struct LineKey: Hashable {
        var group: String
        var source: String
        var meterID: String
        var unit: String?
    }

    /// Turns SQL buckets into ordered, rounded invoices: names resolved, one invoice per currency.
    func assemble(request: InvoiceRequest, buckets: [BucketKey: Bucket]) throws -> Invoice {
        let meters = try meterNames()
        let names = Names(meters: meters, labels: try groupLabels(request.grouping, meters: meters))
        // Every line needs its scopes' bands: they state its unit price, or show it blends several.
        let scopes = try ScopeBands.load(db, period: request.period)
        let (priced, unpriced) = Self.sum(buckets, meters: meters)

        var invoices: [CurrencyInvoice] = []
        for currency in priced.keys.sorted() {
            var groups = (priced[currency] ?? [:]).map { groupID, lines in
                group(groupID, lines: lines, currency: currency, tiers: request.tiers, scopes: scopes, names: names)
            }
            groups.sort { a, b in
                if a.isUnassigned != b.isUnassigned { return !a.isUnassigned }
                if a.amountMicros != b.amountMicros { return a.amountMicros > b.amountMicros }
                return a.key < b.key
            }
            var invoice = CurrencyInvoice(
                currency: currency, totalMicros: groups.reduce(0) { $0 + $1.amountMicros }, totalCents: 0, groups: groups)
            Self.round(&invoice)
            invoices.append(invoice)
        }

        let unpricedLines = unpriced.map { line, sums in
            UnpricedLine(
                group: names.label(line.group).0, source: line.source, meterID: sums.meterID, meterName: names.meterName(line),
                unit: line.unit, quantity: sums.quantity, records: sums.records)
        }.sorted { a, b in
            let aLast = a.group == "Unassigned", bLast = b.group == "Unassigned"
            if aLast != bLast { return !aLast }
            return (a.group, a.meterName, a.source, a.meterID) < (b.group, b.meterName, b.source, b.meterID)
        }

        var sourceNames = Set(buckets.keys.map(\.source))
        if let source = request.source { sourceNames.insert(source) }
        let sources = try sourceNames.sorted().map { SourceRefresh(name: $0, lastRefreshed: try lastRefreshed($0)) }
        return Invoice(
            period: request.period, grouping: request.grouping, tiersShown: request.tiers,
            invoices: invoices, unpriced: unpricedLines, sources: sources)
    }

    /// The buckets summed per displayed line: currency -> group id -> line for priced ones (with
    /// each line's quantity per account: its pricing scopes), and the unpriced lines apart.
    static func sum(
        _ buckets: [BucketKey: Bucket], meters: [MeterKey: MeterInfo]
    ) -> (priced: [String: [String: [LineKey: LineSums]]], unpriced: [LineKey: LineSums]) {
        var priced: [String: [String: [LineKey: LineSums]]] = [:]
        var unpriced: [LineKey: LineSums] = [:]
        for (key, bucket) in buckets {
            let meter = meters[MeterKey(source: key.source, meterID: key.meterID)]
            let line = LineKey(group: key.group ?? "", source: key.source, meterID: key.meterID, unit: key.unit ?? meter?.unit)
            var sums: LineSums
            if let currency = key.currency {
                sums = priced[currency, default: [:]][line.group, default: [:]][line] ?? LineSums(meterID: bucket.meterID)
            } else {
                sums = unpriced[line] ?? LineSums(meterID: bucket.meterID)
            }
            sums.records += bucket.records
            sums.amountMicros += bucket.amountMicros
            sums.quantity += bucket.quantity
            sums.accounts[key.account, default: 0] += bucket.quantity
            if let currency = key.currency {
                priced[currency, default: [:]][line.group, default: [:]][line] = sums
            } else {
                unpriced[line] = sums
            }
        }
        return (priced, unpriced)
    }

    /// How groups and meters are shown: group labels, meter names (else ArcGIS Online's service
    /// type names, else the meter id).
    struct Names {
        let meters: [MeterKey: MeterInfo]
        let labels: [String: String]

        /// The label of a group id, and whether it is the "Unassigned" group.
        func label(_ group: String) -> (String, Bool) {
            let unassigned = group.isEmpty || group.lowercased() == "unassigned"
            return (unassigned ? "Unassigned" : labels[group.lowercased()] ?? labels[group] ?? group, unassigned)
        }

        func meterName(_ line: LineKey) -> String {
            meters[MeterKey(source: line.source, meterID: line.meterID)]?.name ?? ArcGISServiceTypes.name(of: line.meterID) ?? line.meterID
        }
    }

    /// One group of one currency: its lines with their unit prices (and bands with `tiers`),
    /// largest first, same-named meters told apart.
    func group(
        _ groupID: String, lines: [LineKey: LineSums], currency: String, tiers: Bool, scopes: [ScopeBands.Key: ScopeBands],
        names: Names
    ) -> InvoiceGroup {
        let (name, unassigned) = names.label(groupID)
        var built = lines.map { line, sums in
            let price = ScopeBands.unitPrice(scopes, source: line.source, meterID: line.meterID, currency: currency, accounts: sums.accounts)
            return InvoiceLine(
                source: line.source, meterID: sums.meterID, meterName: names.meterName(line), unit: line.unit,
                quantity: sums.quantity, records: sums.records, amountMicros: sums.amountMicros, amountCents: 0,
                tiers: tiers
                    ? ScopeBands.tiers(scopes, source: line.source, meterID: line.meterID, currency: currency, accounts: sums.accounts)
                    : [],
                priceBasis: price.basis, statedPrice: price.stated)
        }
        built.sort { a, b in
            if a.amountMicros != b.amountMicros { return a.amountMicros > b.amountMicros }
            if a.meterName != b.meterName { return a.meterName < b.meterName }
            return (a.source, a.meterID, a.unit ?? "") < (b.source, b.meterID, b.unit ?? "")
        }
        Self.distinguishSameNames(&built, meters: names.meters)
        return InvoiceGroup(
            key: name, isUnassigned: unassigned, amountMicros: built.reduce(0) { $0 + $1.amountMicros }, subtotalCents: 0, lines: built)
    }

    /// Top-down largest-remainder rounding (see `CentRounding`): total, then groups, lines, tiers.
    static func round(_ invoice: inout CurrencyInvoice) {
        invoice.totalCents = CentRounding.cents(invoice.totalMicros)
        let groupCents = CentRounding.apportion(totalCents: invoice.totalCents, micros: invoice.groups.map(\.amountMicros))
        for g in invoice.groups.indices {
            invoice.groups[g].subtotalCents = groupCents[g]
            let lineCents = CentRounding.apportion(totalCents: groupCents[g], micros: invoice.groups[g].lines.map(\.amountMicros))
            for l in invoice.groups[g].lines.indices {
                invoice.groups[g].lines[l].amountCents = lineCents[l]
                let tiers = invoice.groups[g].lines[l].tiers
                let tierCents = CentRounding.apportion(totalCents: lineCents[l], amounts: tiers.map(\.exactAmount))
                for t in tiers.indices { invoice.groups[g].lines[l].tiers[t].amountCents = tierCents[t] }
            }
        }
    }

    struct LineSums {
        var meterID: String
        var records = 0
        var amountMicros: Int64 = 0
        var quantity = Decimal(0)
        var accounts: [String: Decimal] = [:]
    }

    struct MeterKey: Hashable {
        var source: String
        var meterID: String
    }

    struct MeterInfo {
        var name: String?
        var unit: String?
        var subcategory: String?
        var region: String?
    }

    func meterNames() throws -> [MeterKey: MeterInfo] {
        var result: [MeterKey: MeterInfo] = [:]
        try db.query("SELECT source, meter_id, name, unit, subcategory, region FROM meters") { row in
            result[MeterKey(source: row.string(0), meterID: row.string(1).lowercased())] = MeterInfo(
                name: row.optionalString(2).flatMap { $0.isEmpty ? nil : $0 }, unit: row.optionalString(3),
                subcategory: row.optionalString(4), region: row.optionalString(5))
        }
        return result
    }

    /// Display names of group keys, by lower-cased key: cost centers' most common spelling,
    /// customers' company names, meters' names.
    func groupLabels(_ grouping: InvoiceGrouping, meters: [MeterKey: MeterInfo]) throws -> [String: String] {
        var result: [String: String] = [:]
        switch grouping {
        case .costCenter:
            try db.query("SELECT cost_center_key, display_name FROM cost_centers") { result[$0.string(0).lowercased()] = $0.string(1) }
        case .customer:
            try db.query("SELECT customer_id, company_name FROM customers WHERE company_name IS NOT NULL AND company_name <> ''") { result[$0.string(0).lowercased()] = $0.string(1) }
        case .meter:
            // Groups are meters here: same-named ones get their qualifier, as lines do. A meter id
            // two sources share is one group, labelled as the first source in order names it (the
            // dictionary's own order differs from run to run, and so did the label).
            let keys = meters.keys.sorted { ($0.source, $0.meterID) < ($1.source, $1.meterID) }
            let named = keys.compactMap { key in meters[key]?.name.map { (key: key, name: $0) } }
            let distinct = Self.distinctNames(named, meters: meters)
            for key in keys where result[key.meterID] == nil {
                if let name = distinct[key] ?? meters[key]?.name { result[key.meterID] = name }
            }
            for (code, name) in ArcGISServiceTypes.names where result[code] == nil { result[code] = name }
        case .user, .subscription, .resourceGroup:
            break
        }
        return result
    }

    /// The latest raw page fetched or checkpoint advanced for `source`.
    func lastRefreshed(_ source: String) throws -> String? {
        try db.value("""
            SELECT max(t) FROM (SELECT max(fetched_at) AS t FROM raw_pages WHERE source = ?1
                                UNION ALL SELECT max(updated_at) FROM checkpoints WHERE source = ?1) times
            """, source)?.string
    }
}
