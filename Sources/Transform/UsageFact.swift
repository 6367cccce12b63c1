import Foundation
import WarehouseCore

/// One row of `usage` (see schema.sql): natural key (source, account_id, resource_id, meter_id,
/// usage_start, usage_end, reported_start, reported_end, and from schema version 7 the charge's
/// kind, `ChargeTerms.kindKey`). Ids that are GUIDs are lower-cased;
/// times are UTC ISO-8601 text. The reported window is '' .. '' for streams whose buckets are
/// restated (ArcGIS Online, exports); for Partner Center utilization and UsageAggregates it is
/// the window the record was reported in, so late usage reported another day is another row.
public struct UsageFact: Hashable, Sendable {
    public var source: String
    /// The subscription (Azure) or the org (ArcGIS Online).
    public var accountID: String
    /// The resourceUri, item id, `user:<name>` for ArcGIS usage by user, or ''.
    public var resourceID: String
    public var meterID: String
    public var usageStart: String
    public var usageEnd: String
    public var quantity: Decimal
    public var unit: String?
    /// The reported window the record came in (`ReportedWindow`), or '' for usage buckets.
    public var reportedStart: String = ""
    public var reportedEnd: String = ""
    public var customerID: String?
    public var subscriptionID: String?
    public var resourceGroup: String?
    public var userName: String?
    public var location: String?
    /// A JSON object as text.
    public var tags: String = "{}"
    /// The source's own price (cost exports only), with `costCurrency`.
    public var cost: Decimal?
    public var costCurrency: String?
    /// What a cost export says of the charge (schema version 7); nil for usage the warehouse prices.
    public var charge: ChargeTerms?

    public init(
        source: String, accountID: String, resourceID: String, meterID: String, usageStart: UTCTime, usageEnd: UTCTime,
        quantity: Decimal, unit: String? = nil
    ) {
        self.source = source
        self.accountID = accountID
        self.resourceID = resourceID
        self.meterID = meterID
        self.usageStart = usageStart.iso8601
        self.usageEnd = usageEnd.iso8601
        self.quantity = quantity
        self.unit = unit
    }

    /// The same with the times already formatted as ISO-8601 UTC text (`UTCTime.iso8601`).
    init(
        source: String, accountID: String, resourceID: String, meterID: String, usageStart: String, usageEnd: String,
        quantity: Decimal, unit: String?
    ) {
        self.source = source
        self.accountID = accountID
        self.resourceID = resourceID
        self.meterID = meterID
        self.usageStart = usageStart
        self.usageEnd = usageEnd
        self.quantity = quantity
        self.unit = unit
    }

    /// The natural key, compared as the table does (account, resource and meter ignore ASCII case,
    /// as their canonical ids in the dimension tables do), with the charge's kind unless plain usage.
    public var naturalKey: NaturalKey { NaturalKey(self) }

    /// `naturalKey`: the fact's key fields, compared and hashed as the table's key compares them:
    /// bytes, the ids' ASCII letters folded to lower case as they are read (rather than lower-cased
    /// copies made per row), all of the key's bytes hashed in one call. A bulk import keys every
    /// record, and Swift's `String` hash (Unicode-aware, one call per field) was a fifth of its
    /// decoding thread.
    public struct NaturalKey: Hashable, Sendable {
        let source, accountID, resourceID, meterID, usageStart, usageEnd, reportedStart, reportedEnd: String
        let kind: [String]

        init(_ fact: UsageFact) {
            source = fact.source
            accountID = fact.accountID
            resourceID = fact.resourceID
            meterID = fact.meterID
            usageStart = fact.usageStart
            usageEnd = fact.usageEnd
            reportedStart = fact.reportedStart
            reportedEnd = fact.reportedEnd
            kind = fact.charge?.kindKey ?? []
        }

        public static func == (a: NaturalKey, b: NaturalKey) -> Bool {
            equal(a.usageStart, b.usageStart, folding: false) && equal(a.usageEnd, b.usageEnd, folding: false)
                && equal(a.meterID, b.meterID, folding: true) && equal(a.resourceID, b.resourceID, folding: true)
                && equal(a.accountID, b.accountID, folding: true) && equal(a.source, b.source, folding: false)
                && equal(a.reportedStart, b.reportedStart, folding: false) && equal(a.reportedEnd, b.reportedEnd, folding: false)
                && a.kind.count == b.kind.count && zip(a.kind, b.kind).allSatisfy { equal($0, $1, folding: false) }
        }

        public func hash(into hasher: inout Hasher) {
            let size = kind.reduce(8) { $0 + $1.utf8.count + 1 } + source.utf8.count + usageStart.utf8.count + usageEnd.utf8.count
                + reportedStart.utf8.count + reportedEnd.utf8.count + accountID.utf8.count + resourceID.utf8.count + meterID.utf8.count
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: size) { buffer in
                var i = 0
                func append(_ text: String, folding: Bool) {
                    for byte in text.utf8 {
                        buffer[i] = folding && byte &- 0x41 < 26 ? byte | 0x20 : byte
                        i += 1
                    }
                    buffer[i] = 0xff  // never a byte of UTF-8: fields cannot run into each other
                    i += 1
                }
                append(source, folding: false)
                append(usageStart, folding: false)
                append(usageEnd, folding: false)
                append(reportedStart, folding: false)
                append(reportedEnd, folding: false)
                append(accountID, folding: true)
                append(resourceID, folding: true)
                append(meterID, folding: true)
                for text in kind { append(text, folding: false) }
                hasher.combine(bytes: UnsafeRawBufferPointer(buffer))
            }
        }

        /// Equal bytes, or with `folding`, equal but for the case of ASCII letters.
        static func equal(_ a: String, _ b: String, folding: Bool) -> Bool {
            guard a.utf8.count == b.utf8.count else { return false }
            for (x, y) in zip(a.utf8, b.utf8) where x != y {
                if !folding || x | 0x20 != y | 0x20 || (x | 0x20) &- 0x61 >= 26 { return false }
            }
            return true
        }
    }

    /// The billing period (`YYYY-MM`) the row falls in: the month of its start.
    public var period: String { String(usageStart.prefix(7)) }
}

/// One tier of a rate card (`rates`).
public struct RateFact: Hashable, Sendable {
    public var source: String
    public var meterID: String
    public var currency: String
    public var effectiveDate: String
    public var tierMin: Decimal
    public var unitPrice: Decimal
    public var includedQuantity: Decimal
    public var tierMode: String = "graduated"
}

public struct OfferTermFact: Hashable, Sendable {
    public var source: String
    public var name: String
    public var currency: String
    public var effectiveDate: String
    public var discount: Decimal
    /// Lower-cased meter GUIDs.
    public var excludedMeterIDs: [String]
}

public struct MeterFact: Hashable, Sendable {
    public var source: String
    public var meterID: String
    public var name: String?
    public var category: String?
    public var subcategory: String?
    public var region: String?
    public var unit: String?
}

public struct ResourceFact: Hashable, Sendable {
    public var source: String
    public var resourceID: String
    public var subscriptionID: String?
    public var resourceGroup: String?
    public var providerType: String?
    public var name: String?
    public var location: String?
    public var owner: String?
    public var tags: String = "{}"
}

public struct CustomerFact: Hashable, Sendable {
    public var source: String
    public var customerID: String
    public var companyName: String?
    public var domain: String?
    public var tenantID: String?
    public var relationship: String?
}

public struct SubscriptionFact: Hashable, Sendable {
    public var source: String
    public var subscriptionID: String
    public var customerID: String?
    public var offerID: String?
    public var offerName: String?
    public var billingType: String?
    public var status: String?
}

public struct UserFact: Hashable, Sendable {
    public var source: String
    public var userName: String
    public var orgID: String?
    public var fullName: String?
    public var email: String?
    public var role: String?
    /// A JSON array of strings as text.
    public var tags: String
    public var disabled: Bool
    public var createdAt: String?
}

/// An ArcGIS item's storage on one day: a level, never summed over days.
public struct StorageSnapshotFact: Hashable, Sendable {
    public var source: String
    public var itemID: String
    public var snapshotDate: String
    public var owner: String
    public var itemType: String?
    public var title: String?
    /// `feature`, `file`, `tile` or `none`.
    public var storageClass: String
    public var sizeBytes: Int64
    public var featureBytes: Int64
    public var attachmentBytes: Int64
}

public struct CreditBudgetFact: Hashable, Sendable {
    public var source: String
    public var userName: String
    public var snapshotDate: String
    /// Both nil when the org has credit budgeting off.
    public var assignedCredits: Decimal?
    public var availableCredits: Decimal?
}

public struct OrgCreditFact: Hashable, Sendable {
    public var source: String
    public var orgID: String
    public var snapshotDate: String
    public var availableCredits: Decimal
    public var budgetingEnabled: Bool
}
