/// What a line of an Azure cost export says about its charge besides the usage: the Cost
/// Management columns Microsoft's FOCUS conversion reads ("Convert Cost Management data to FOCUS",
/// https://learn.microsoft.com/cloud-computing/finops/focus/convert; FinOps toolkit
/// `docs-mslearn/focus/convert.md`). Stored from schema version 7 on (`charge_kinds`,
/// `charge_terms`) so an imported export converts to FOCUS as that document says: a reservation
/// purchase is a `Purchase`, not usage; `ListUnitPrice` is the `PayGPrice`; and so on.
///
/// The *kind* (charge type, pricing model, commitment) tells two lines of one resource, meter and
/// day apart, so it is part of the usage row's natural key: a `Purchase` and a `Usage` line, or
/// the reserved and the on-demand hours of one VM, are two rows, not one sum. Everything else
/// (prices, names, `AdditionalInfo`) may be restated by a later export of the same month and so
/// is not: a restated price updates the row instead of adding a second one.
public struct ChargeTerms: Hashable, Sendable {
    /// `ChargeType`: `Usage`, `Purchase`, `Refund`, `UnusedReservation`, `Tax`, ... (nil: not stated).
    public var chargeType: String?
    /// `PricingModel`: `OnDemand`, `Reservation`, `SavingsPlan`, `Spot` (nil: not stated).
    public var pricingModel: String?
    /// `BenefitId`: the reservation or savings plan that priced the line.
    public var benefitID: String?

    /// `EA` or `MCA`: which of the document's columns the values below come from.
    public var agreement: String?
    /// EA `BillingAccountId`/`Name`; MCA `BillingProfileId`/`Name` (the document's BillingAccount).
    public var billingAccountID: String?
    public var billingAccountName: String?
    public var subscriptionName: String?
    public var invoiceID: String?
    public var partnerName: String?
    public var publisherName: String?
    /// `Frequency`: `UsageBased`, `Recurring`, `OneTime`.
    public var frequency: String?
    public var consumedService: String?
    /// `ProductName` (EA `Product`): the FOCUS ChargeDescription.
    public var productName: String?
    /// MCA `ProductId`: the FOCUS SkuId.
    public var productID: String?
    /// `UnitPrice`, `PayGPrice` and MCA `ExchangeRatePricingToBilling`, exact decimal text.
    public var unitPrice: String?
    public var payGPrice: String?
    public var exchangeRate: String?
    public var pricingCurrency: String?
    public var benefitName: String?
    /// `AdditionalInfo`, a JSON object as the export wrote it.
    public var additionalInfo: String?

    public init() {}

    /// The kind stored as charge key 0, which every usage row had before version 7: usage at
    /// on-demand prices without a commitment, or nothing stated. So a cost export imported before
    /// version 7 and imported again after it updates its usage rows instead of adding to them.
    public var isPlainUsage: Bool {
        (chargeType ?? "Usage") == "Usage" && (pricingModel ?? "OnDemand") == "OnDemand" && benefitID == nil
    }

    /// The kind's part of the natural key: empty for plain usage.
    public var kindKey: [String] {
        isPlainUsage ? [] : [chargeType ?? "", pricingModel ?? "", benefitID ?? ""]
    }

    /// The `charge_terms` columns, in the order of `termValues`.
    public static let termColumns = [
        "agreement", "billing_account_id", "billing_account_name", "subscription_name", "invoice_id", "partner_name",
        "publisher_name", "frequency", "consumed_service", "product_name", "product_id", "unit_price", "payg_price",
        "exchange_rate", "pricing_currency", "benefit_name", "additional_info",
    ]

    public var termValues: [String?] {
        [
            agreement, billingAccountID, billingAccountName, subscriptionName, invoiceID, partnerName, publisherName, frequency,
            consumedService, productName, productID, unitPrice, payGPrice, exchangeRate, pricingCurrency, benefitName, additionalInfo,
        ]
    }
}
