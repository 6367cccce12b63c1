import Foundation
import Testing
import WarehouseCore

@testable import Transform

/// `UsageFact.naturalKey` folds the ASCII case of the ids as it hashes and compares (no lower-cased
/// copies): two facts are one row exactly when the table's canonical ids would make them one.
@Suite struct UsageFactKeyTests {
    static func fact(account: String = "Sub-1", resource: String = "/subscriptions/S/resourceGroups/RG", meter: String = "M-1") -> UsageFact {
        var fact = UsageFact(
            source: "pc", accountID: account, resourceID: resource, meterID: meter, usageStart: "2026-10-01T00:00:00Z",
            usageEnd: "2026-10-02T00:00:00Z", quantity: 1, unit: nil)
        fact.reportedStart = "2026-10-02T00:00:00Z"
        fact.reportedEnd = "2026-10-03T00:00:00Z"
        return fact
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let other: UsageFact
        let same: Bool
    }

    static let cases: [Case] = [
        Case(testDescription: "ids in another case", other: fact(account: "SUB-1", resource: "/SUBSCRIPTIONS/s/resourcegroups/rg", meter: "m-1"), same: true),
        Case(testDescription: "another account", other: fact(account: "Sub-2"), same: false),
        Case(testDescription: "a resource one letter longer", other: fact(resource: "/subscriptions/S/resourceGroups/RGx"), same: false),
        Case(testDescription: "@ and ` differ by the case bit but are not letters", other: fact(meter: "M@1"), same: false),
        Case(testDescription: "non-ASCII letters keep their case", other: fact(account: "Sub-1É"), same: false),
        Case(testDescription: "another reported window", other: { var f = fact(); f.reportedEnd = "2026-10-04T00:00:00Z"; return f }(), same: false),
        Case(testDescription: "another charge kind", other: { var f = fact(); var terms = ChargeTerms(); terms.chargeType = "Purchase"; f.charge = terms; return f }(), same: false),
        Case(testDescription: "another quantity (not in the key)", other: { var f = fact(); f.quantity = 2; return f }(), same: true),
    ]

    @Test(arguments: cases)
    func keysAreTheTablesCanonicalIds(_ c: Case) {
        let base = Self.fact()
        #expect((base.naturalKey == c.other.naturalKey) == c.same)
        // The same answer as lower-casing the ids, the way the dimension tables store them.
        let lowered = [base, c.other].map {
            [$0.accountID.asciiLowercased, $0.resourceID.asciiLowercased, $0.meterID.asciiLowercased, $0.reportedEnd]
                + ($0.charge?.kindKey ?? [])
        }
        #expect((lowered[0] == lowered[1]) == c.same)
        if c.same { #expect(base.naturalKey.hashValue == c.other.naturalKey.hashValue) }
    }

    @Test func aBatchSumsRecordsWhoseIdsDifferOnlyInCase() {
        var batch = FactBatch()
        batch.add(Self.fact())
        var other = Self.fact(account: "SUB-1", meter: "m-1")
        other.quantity = 2
        batch.add(other)
        #expect(batch.usage.count == 1)
        #expect(batch.usage.first?.quantity == 3)
    }
}
