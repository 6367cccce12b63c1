import Foundation
import Load
import Query
import Testing

@Suite struct InvoiceTests {
    func invoice(_ w: TemporaryWarehouse, _ grouping: InvoiceGrouping = .costCenter, source: String? = nil, tiers: Bool = false, period: String = "2026-10") throws -> Invoice {
        try InvoiceBuilder(db: w.db).build(InvoiceRequest(period: period, grouping: grouping, source: source, tiers: tiers))
    }

    /// The JSON output parsed back.
    func json(_ invoice: Invoice) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(invoice.render(.json).utf8)) as? [String: Any])
    }

    @Test func currenciesAreInvoicedApartAndMatchInvoiceLines() throws {
        let w = try TemporaryWarehouse()
        let parsed = try json(try invoice(w))
        #expect(parsed["currency"] is NSNull)
        #expect(parsed["total"] is NSNull)
        #expect((parsed["groups"] as? [Any])?.isEmpty == true)
        let invoices = try #require(parsed["invoices"] as? [[String: Any]])
        #expect(invoices.map { $0["currency"] as? String } == ["EUR", "USD"])
        for entry in invoices {
            let currency = try #require(entry["currency"] as? String)
            // Independently: the exact sum of invoice_lines in this currency, rounded half away from zero.
            let micros = try #require(try w.db.scalar(
                "SELECT sum(amount_micros) FROM invoice_lines WHERE period = '2026-10' AND currency = ?", currency)?.int64)
            let cents = (micros + (micros >= 0 ? 5000 : -5000)) / 10000
            #expect(entry["total"] as? String == String(format: "%d.%02d", cents / 100, cents % 100))
            // Lines of this currency come only from sources priced in it.
            let groups = try #require(entry["groups"] as? [[String: Any]])
            let sources = Set(groups.flatMap { ($0["lines"] as? [[String: Any]] ?? []).compactMap { $0["source"] as? String } })
            let expected = Set(try w.db.rows("SELECT DISTINCT source FROM invoice_lines WHERE period = '2026-10' AND currency = ?", currency).map { $0[0].description })
            #expect(sources == expected)
        }
    }

    @Test func csvAmountsAddUpToTheJSONTotalsPerCurrency() throws {
        let w = try TemporaryWarehouse()
        let built = try invoice(w)
        let csv = built.render(.csv)
        var sums: [String: Decimal] = [:]
        for line in csv.split(separator: "\r\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 10, !fields[9].isEmpty else { continue }
            sums[String(fields[9]), default: 0] += try #require(Decimal(string: String(fields[8])))
        }
        let invoices = try #require(try json(built)["invoices"] as? [[String: Any]])
        for entry in invoices {
            let currency = try #require(entry["currency"] as? String)
            let total = try #require(entry["total"] as? String)
            #expect(sums[currency] == Decimal(string: total))
            let lineSum = try w.db.scalar("SELECT sum(amount_micros) FROM invoice_lines WHERE period = '2026-10' AND currency = ?", currency)?.int64 ?? 0
            // Exact micros and displayed cents differ by less than half a cent.
            #expect(abs(((sums[currency] ?? 0) * 1_000_000 - Decimal(lineSum)) as Decimal) <= 5000)
        }
    }

    @Test func everyDisplayedTotalIsTheSumOfItsLines() throws {
        let w = try TemporaryWarehouse()
        let parsed = try json(try invoice(w, tiers: true))
        for entry in try #require(parsed["invoices"] as? [[String: Any]]) {
            var groupSum = Decimal(0)
            for group in try #require(entry["groups"] as? [[String: Any]]) {
                var lineSum = Decimal(0)
                for line in try #require(group["lines"] as? [[String: Any]]) {
                    let amountText = try #require(line["amount"] as? String)
                    let amount = try #require(Decimal(string: amountText))
                    lineSum += amount
                    let tiers = try #require(line["tiers"] as? [[String: Any]])
                    if !tiers.isEmpty {
                        #expect(tiers.compactMap { Decimal(string: $0["amount"] as? String ?? "") }.reduce(0, +) == amount)
                    }
                }
                let subtotal = try #require(group["subtotal"] as? String)
                #expect(Decimal(string: subtotal) == lineSum)
                groupSum += lineSum
            }
            let total = try #require(entry["total"] as? String)
            #expect(Decimal(string: total) == groupSum)
        }
    }

    @Test func unassignedIsListedLastAndGroupsByAmount() throws {
        let w = try TemporaryWarehouse()
        let usd = try #require(try invoice(w).invoices.first { $0.currency == "USD" })
        #expect(usd.groups.map(\.key) == ["Planning", "Operations", "Unassigned"])
        #expect(usd.groups.map(\.subtotalCents) == [607, 313, 250])
        #expect(usd.totalCents == 1170)
    }

    @Test(arguments: [
        (InvoiceGrouping.costCenter, ["Planning", "Operations", "Unassigned"]),
        (.customer, ["Fabrikam", "Northwind"]),
        (.subscription, ["sub-1", "sub-2"]),
        (.resourceGroup, ["web", "ops", "data"]),
        (.meter, ["LRS Data Stored", "D2 v3 VM"]),
        (.user, ["Unassigned"]),
    ])
    func groupingsKeepTheTotal(grouping: InvoiceGrouping, keys: [String]) throws {
        let w = try TemporaryWarehouse()
        let usd = try #require(try invoice(w, grouping).invoices.first { $0.currency == "USD" })
        #expect(usd.groups.map(\.key) == keys)
        #expect(usd.totalCents == 1170)
        #expect(usd.groups.map(\.subtotalCents).reduce(0, +) == 1170)
    }

    @Test func quantitiesAreExactEvenInExponentOrLongDecimals() throws {
        let w = try TemporaryWarehouse()
        let eur = try #require(try invoice(w).invoices.first { $0.currency == "EUR" })
        let lines = Dictionary(uniqueKeysWithValues: eur.groups.flatMap(\.lines).map { ($0.meterID, $0) })
        #expect(lines["geocode.svcusg"]?.quantity == Decimal(55))
        #expect(lines["features.stg"]?.quantity == Decimal(string: "3.3333333333333"))
        #expect(lines["spanalysis.svcusg"]?.quantity == Decimal(string: "12.345"))
        #expect(lines["spanalysis.svcusg"]?.unitPrice == Decimal(string: "0.1"))
        let usd = try #require(try invoice(w).invoices.first { $0.currency == "USD" })
        let operations = try #require(usd.groups.first { $0.key == "Operations" })
        // 60 GB and the -10 GB correction make one line of 50 GB.
        #expect(operations.lines.first { $0.meterID == FixtureWarehouse.lrs }?.quantity == Decimal(50))
        #expect(operations.lines.first { $0.meterID == FixtureWarehouse.vm }?.unit == "Hours")
    }

    @Test func unpricedUsageHasItsOwnSection() throws {
        let w = try TemporaryWarehouse()
        let built = try invoice(w)
        #expect(built.unpriced.count == 1)
        let line = try #require(built.unpriced.first)
        #expect(line.meterID == FixtureWarehouse.mystery)
        #expect(line.quantity == Decimal(5))
        #expect(line.records == 2)
        #expect(line.group == "Unassigned")
        #expect(built.unpricedWarning?.contains("2 usage record(s) of 1 meter(s)") == true)
        #expect(built.invoices.allSatisfy { $0.groups.allSatisfy { $0.lines.allSatisfy { $0.meterID != FixtureWarehouse.mystery } } })
    }

    @Test func tiersShowTheLinesProRataShareOfEachBand() throws {
        let w = try TemporaryWarehouse()
        let usd = try #require(try invoice(w, tiers: true).invoices.first { $0.currency == "USD" })
        let planning = try #require(usd.groups.first { $0.key == "Planning" })
        let storage = try #require(planning.lines.first { $0.meterID == FixtureWarehouse.lrs })
        // 80 of the scope's 130 GB: 80/130 of 100 GB at 0.05 and of 30 GB at 0.04.
        #expect(storage.tiers.count == 2)
        func close(_ a: Decimal, _ b: Decimal) -> Bool { abs(a - b) < Decimal(string: "1e-30")! }
        #expect(close(storage.tiers[0].quantity, Decimal(100) * 80 / 130))
        #expect(close(storage.tiers[0].exactAmount, Decimal(5) * 80 / 130))
        #expect(close(storage.tiers[1].exactAmount, Decimal(string: "1.2")! * 80 / 130))
        #expect(storage.tiers[1].to == nil)
        #expect(storage.tiers.map(\.amountCents) == [308, 74])
        #expect(storage.amountCents == 382)
    }

    @Test func sourceFilterKeepsOneSource() throws {
        let w = try TemporaryWarehouse()
        let built = try invoice(w, source: "agol")
        #expect(built.invoices.map(\.currency) == ["EUR"])
        #expect(built.sources == [SourceRefresh(name: "agol", lastRefreshed: "2026-11-01T03:00:00Z")])
        #expect(built.unpriced.isEmpty)
    }

    @Test func sourcesShowWhenTheyWereLastRefreshed() throws {
        let w = try TemporaryWarehouse()
        #expect(try invoice(w).sources == [
            SourceRefresh(name: "agol", lastRefreshed: "2026-11-01T03:00:00Z"),
            SourceRefresh(name: "contoso-csp", lastRefreshed: "2026-11-01T02:00:00Z"),
        ])
    }

    @Test func singleCurrencyJSONHasTheTopLevelContract() throws {
        let w = try TemporaryWarehouse()
        let parsed = try json(try invoice(w, source: "contoso-csp"))
        #expect(parsed["period"] as? String == "2026-10")
        #expect(parsed["group_by"] as? String == "costCenter")
        #expect(parsed["currency"] as? String == "USD")
        #expect(parsed["total"] as? String == "11.70")
        let groups = try #require(parsed["groups"] as? [[String: Any]])
        #expect(groups.map { $0["key"] as? String } == ["Planning", "Operations", "Unassigned"])
        let line = try #require((groups[0]["lines"] as? [[String: Any]])?.first)
        #expect(Set(line.keys).isSuperset(of: ["meter_id", "meter_name", "quantity", "unit", "unit_price", "amount"]))
        #expect(line["tiers"] == nil)
        let unpriced = try #require(parsed["unpriced"] as? [[String: Any]])
        #expect(unpriced.first?["quantity"] as? String == "5")
    }

    @Test func badPeriodIsRefused() throws {
        let w = try TemporaryWarehouse()
        #expect(throws: InvoiceBuilder.BadPeriod.self) { try invoice(w, period: "2026-13") }
    }

    @Test func emptyPeriodIsAnEmptyInvoice() throws {
        let w = try TemporaryWarehouse()
        let built = try invoice(w, period: "2025-01")
        #expect(built.invoices.isEmpty)
        #expect(try json(built)["total"] as? String == "0.00")
    }
}
