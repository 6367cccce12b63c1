import Foundation
import WarehouseCore

/// One FOCUS row: column name to value; a column left out is null.
public typealias FocusRow = [String: String]

/// Microsoft's conversion of Cost Management cost and usage rows to FOCUS, column by column, as
/// "Convert Cost Management data to FOCUS" documents it (FinOps toolkit,
/// `docs-mslearn/focus/convert.md`, https://learn.microsoft.com/cloud-computing/finops/focus/convert,
/// revision of 2026-04-01 in finops-toolkit commit 04d370f3), with its lookups in the toolkit's
/// open data files (`OpenData`). A pure function: a row of Cost Management columns in, FOCUS
/// columns out. `FocusExport` feeds it the columns the warehouse keeps; the tests feed it
/// Microsoft's own EA sample export row by row.
///
/// Where the document says "Not available" for EA (ListCost, SkuId, SkuPriceId) we say below what
/// we write. Rows the warehouse priced itself (Partner Center, Azure Commerce) have no UnitPrice,
/// PayGPrice or ChargeType: see `Origin.pricedByWarehouse`.
public enum FocusMapping {
    /// Where a row's columns come from.
    public enum Origin: Sendable, Equatable {
        /// An Enterprise Agreement cost export (`BillingAccountId`, `BillingCurrencyCode`, `PayGPrice`).
        case enterpriseAgreement
        /// A Microsoft Customer Agreement cost export (`BillingProfileId`, `PricingCurrency`, `ProductId`).
        case microsoftCustomerAgreement
        /// Usage the warehouse priced from the rate card (Partner Center, Azure Commerce): the cost
        /// is the warehouse's charge; list and contracted cost are that charge, and the unit prices
        /// that charge divided by PricingQuantity (after tiers and offer terms there is no one
        /// price); SkuId and SkuPriceId are the meter (the rate card prices by meter); a negative
        /// quantity (a late adjustment) is a Correction.
        case pricedByWarehouse(billingAccountType: String)
    }

    /// A Cost Management row: values by column name, names matched ignoring case (EA exports say
    /// `benefitId`, MCA exports `BenefitId`); empty values count as absent.
    public struct CostRow: Sendable {
        var values: [String: String] = [:]

        public init(_ columns: [String: String]) {
            for (name, value) in columns where !value.isEmpty { values[name.lowercased()] = value }
        }

        /// The first of `names` with a value.
        public subscript(_ names: String...) -> String? {
            names.lazy.compactMap { values[$0.lowercased()] }.first
        }
    }

    public static func azure(_ row: CostRow, origin: Origin) -> FocusRow {
        var focus = FocusRow()
        charge(row, origin: origin, into: &focus)
        pricing(row, origin: origin, into: &focus)
        costs(row, origin: origin, into: &focus)
        accounts(row, origin: origin, into: &focus)
        resource(row, origin: origin, into: &focus)
        commitment(row, into: &focus)
        sku(row, origin: origin, into: &focus)
        return focus
    }

    /// ChargeCategory, ChargeClass, ChargeFrequency, ChargeDescription, the charge and billing periods.
    static func charge(_ row: CostRow, origin: Origin, into focus: inout FocusRow) {
        let chargeType = row["ChargeType"] ?? "Usage"
        switch chargeType {
        case "Usage", "Purchase", "Credit", "Tax": focus["ChargeCategory"] = chargeType
        case "UnusedReservation", "UnusedSavingsPlan": focus["ChargeCategory"] = "Usage"
        case "Refund": focus["ChargeCategory"] = "Purchase"
        default: focus["ChargeCategory"] = "Adjustment"
        }
        let negative = row["Quantity"]?.hasPrefix("-") ?? false
        if chargeType == "Refund" || (origin.isWarehouse && negative) { focus["ChargeClass"] = "Correction" }
        switch row["Frequency"] {
        case "OneTime": focus["ChargeFrequency"] = "One-Time"
        case "Recurring": focus["ChargeFrequency"] = "Recurring"
        case "UsageBased": focus["ChargeFrequency"] = "Usage-Based"
        default: focus["ChargeFrequency"] = "Other"
        }
        focus["ChargeDescription"] = row["ProductName", "Product"]
        if let day = row["Date", "UsageDate"].flatMap(costDate) {
            focus["ChargePeriodStart"] = day.iso8601
            focus["ChargePeriodEnd"] = day.adding(days: 1).iso8601
        }
        focus["BillingPeriodStart"] = row["BillingPeriodStartDate"].flatMap(costDate)?.iso8601
        focus["BillingPeriodEnd"] = row["BillingPeriodEndDate"].flatMap(costDate)?.adding(days: 1).iso8601
        switch row["PricingModel"] {
        case "OnDemand": focus["PricingCategory"] = "Standard"
        case "Spot": focus["PricingCategory"] = "Dynamic"
        case "Reservation", "SavingsPlan", "Savings Plan": focus["PricingCategory"] = "Committed"
        default: break
        }
    }

    /// x_PricingBlockSize, PricingQuantity, PricingUnit, ConsumedQuantity, ConsumedUnit: the unit
    /// of measure through PricingUnits.csv (`10K` is 10,000 Units; PricingQuantity is the
    /// quantity divided by the block). A unit the file does not know is its own unit, block 1.
    static func pricing(_ row: CostRow, origin: Origin, into focus: inout FocusRow) {
        let unitOfMeasure = row["UnitOfMeasure", "Unit"]
        let known = unitOfMeasure.flatMap { OpenData.pricingUnits[$0] ?? OpenData.pricingUnits[$0.trimmingCharacters(in: .whitespaces)] }
        let block = known?.blockSize ?? 1
        let unit = known?.distinctUnits ?? unitOfMeasure
        focus["x_PricingUnitDescription"] = unitOfMeasure
        focus["x_PricingBlockSize"] = ExactDecimal.format(block)
        focus["PricingUnit"] = unit
        if let quantity = row["Quantity"].flatMap(ExactDecimal.parse) {
            focus["PricingQuantity"] = ExactDecimal.format(quantity / block)
            if (row["ChargeType"] ?? "Usage") == "Usage" {
                focus["ConsumedQuantity"] = ExactDecimal.format(quantity)
                focus["ConsumedUnit"] = unit
            }
        }
    }

    /// BilledCost, EffectiveCost, ContractedCost, ContractedUnitPrice, ListCost, ListUnitPrice.
    static func costs(_ row: CostRow, origin: Origin, into focus: inout FocusRow) {
        let cost = row["CostInBillingCurrency", "Cost", "PreTaxCost"].flatMap(ExactDecimal.parse) ?? 0
        let chargeType = row["ChargeType"] ?? "Usage"
        let committed = ["Reservation", "SavingsPlan", "Savings Plan"].contains(row["PricingModel"] ?? "")
        focus["BilledCost"] = ExactDecimal.format(chargeType == "Usage" && committed ? 0 : cost)
        focus["EffectiveCost"] = ExactDecimal.format(["Purchase", "Refund"].contains(chargeType) && committed ? 0 : cost)
        let quantity = row["Quantity"].flatMap(ExactDecimal.parse) ?? 0
        let block = focus["x_PricingBlockSize"].flatMap(ExactDecimal.parse) ?? 1
        if origin.isWarehouse {
            let price = unitPrice(cost: cost, quantity: quantity / block)
            for column in ["ContractedCost", "ListCost"] { focus[column] = ExactDecimal.format(cost) }
            for column in ["ContractedUnitPrice", "ListUnitPrice"] { focus[column] = ExactDecimal.format(price) }
            return
        }
        if let unitPrice = row["UnitPrice"].flatMap(ExactDecimal.parse) {
            focus["ContractedUnitPrice"] = ExactDecimal.format(unitPrice)
            focus["ContractedCost"] = ExactDecimal.format(unitPrice * quantity / block)
        }
        var list = row["PayGPrice"].flatMap(ExactDecimal.parse)
        if origin == .microsoftCustomerAgreement, let price = list {
            list = price * (row["ExchangeRatePricingToBilling", "ExchangeRate"].flatMap(ExactDecimal.parse) ?? 1)
        }
        focus["ListUnitPrice"] = list.map(ExactDecimal.format)
        // MCA: PaygCostInBillingCurrency. EA: "Not available"; ListCost is mandatory, so the same
        // formula as ContractedCost with the pay-as-you-go price.
        if let paygCost = row["PaygCostInBillingCurrency"] {
            focus["ListCost"] = paygCost
        } else if let list {
            focus["ListCost"] = ExactDecimal.format(list * quantity / block)
        }
    }

    /// The unit price of a charge the warehouse made: cost ÷ quantity, to the places the cost
    /// supports. The cost is rounded to micro-units, so the quotient is within 10⁻⁶ ÷ quantity of
    /// the price it was charged at; rounding to the most places (at most 10) whose last one is
    /// still larger than that gives back a credit price of 0.1 from 3.3333333333333 credits
    /// charged 0.333333.
    static func unitPrice(cost: Decimal, quantity: Decimal) -> Decimal {
        guard !quantity.isZero else { return 0 }
        let bound = 1 / (1_000_000 * abs(quantity))
        var scale = 10
        while scale > 0, Decimal(sign: .plus, exponent: -scale, significand: 1) < bound { scale -= 1 }
        return ExactDecimal.rounded(abs(cost / quantity), scale: scale)
    }

    /// `MM/dd/yyyy` (EA) or ISO-8601 (MCA, FOCUS), as the start of the day.
    static func costDate(_ text: String) -> UTCTime? {
        let parts = text.split(separator: "/")
        if parts.count == 3, let month = Int(parts[0]), let day = Int(parts[1]), let year = Int(parts[2]) {
            return UTCTime(year: year, month: month, day: day)
        }
        return UTCTime.parse(text)?.startOfDay
    }
}

extension FocusMapping.Origin {
    var isWarehouse: Bool {
        if case .pricedByWarehouse = self { return true }
        return false
    }
}
