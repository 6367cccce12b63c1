import Foundation
import WarehouseCore

extension FocusMapping {
    /// Billing account, sub account, invoice, issuer, provider, publisher, currencies, tags.
    static func accounts(_ row: CostRow, origin: Origin, into focus: inout FocusRow) {
        switch origin {
        case .enterpriseAgreement:
            focus["BillingAccountId"] = row["BillingAccountId"]
            focus["BillingAccountName"] = row["BillingAccountName"]
            focus["BillingAccountType"] = "Billing Account"
            focus["BillingCurrency"] = row["BillingCurrencyCode", "BillingCurrency"]
            focus["PricingCurrency"] = focus["BillingCurrency"]
        case .microsoftCustomerAgreement:
            focus["BillingAccountId"] = row["BillingProfileId"]
            focus["BillingAccountName"] = row["BillingProfileName"]
            focus["BillingAccountType"] = "Billing Profile"
            focus["BillingCurrency"] = row["BillingCurrency", "BillingCurrencyCode"]
            focus["PricingCurrency"] = row["PricingCurrency"] ?? focus["BillingCurrency"]
        case .pricedByWarehouse(let type):
            focus["BillingAccountId"] = row["BillingAccountId"]
            focus["BillingAccountName"] = row["BillingAccountName"]
            focus["BillingAccountType"] = type
            focus["BillingCurrency"] = row["BillingCurrency"]
            focus["PricingCurrency"] = row["BillingCurrency"]
        }
        focus["SubAccountId"] = row["SubscriptionId", "SubscriptionGuid"]
        focus["SubAccountName"] = row["SubscriptionName"]
        if focus["SubAccountId"] != nil { focus["SubAccountType"] = "Subscription" }
        focus["InvoiceId"] = row["InvoiceId"]
        focus["InvoiceIssuerName"] = row["PartnerName"] ?? "Microsoft"
        focus["ProviderName"] = "Microsoft"
        // PublisherName is mandatory in FOCUS; a first-party row without one (a reservation
        // purchase) is Microsoft's.
        focus["PublisherName"] = row["PublisherName"] ?? "Microsoft"
        if let tags = row["Tags"]?.trimmingCharacters(in: .whitespaces) {
            focus["Tags"] = tags.hasPrefix("{") ? tags : "{" + tags + "}"
        }
    }

    /// Resource, region and service: RegionName from Regions.csv, RegionId its id (the document's
    /// "lowercase and remove spaces" of the name); ResourceType the SingularDisplayName of
    /// ResourceTypes.csv; ServiceName, ServiceCategory and ServiceSubcategory from Services.csv by
    /// ConsumedService and resource type. ResourceName: EA's `ResourceName` as is (empty on a
    /// reservation purchase), otherwise the id's last segment (the document's MCA rule).
    static func resource(_ row: CostRow, origin: Origin, into focus: inout FocusRow) {
        if let location = row["ResourceLocation", "Location"] {
            let region = OpenData.regions[location.lowercased()]
            focus["RegionName"] = region?.name ?? location
            focus["RegionId"] = region?.id ?? location.lowercased().replacingOccurrences(of: " ", with: "")
        }
        let id = row["ResourceId", "InstanceId"]
        focus["ResourceId"] = id
        let lastSegment = origin == .enterpriseAgreement ? nil : id.flatMap { $0.split(separator: "/").last.map(String.init) }
        focus["ResourceName"] = row["ResourceName"] ?? lastSegment
        let type = (row["ResourceType"] ?? id.flatMap(resourceType))?.lowercased()
        focus["x_ResourceType"] = type
        focus["ResourceType"] = type.map { OpenData.resourceTypes[$0] ?? $0 }
        if let group = row["ResourceGroup", "ResourceGroupName"] { focus["x_ResourceGroupName"] = group }
        let service = self.service(consumedService: row["ConsumedService"], resourceType: type)
            ?? row["MeterCategory"].flatMap { OpenData.services.byName[$0.lowercased()] }
        focus["ServiceName"] = service?.name ?? row["MeterCategory"] ?? "Azure"
        focus["ServiceCategory"] = service?.category ?? "Other"
        focus["ServiceSubcategory"] = service?.subcategory ?? "Other (Other)"
    }

    /// Services.csv by ConsumedService and resource type (the document's key), else by the
    /// resource type alone, else by the consumed service alone. Without a ConsumedService (usage
    /// the warehouse priced) the resource type's namespace stands in for it, as it does in every
    /// row of Microsoft's EA sample. (Without a resource type at all, `resource` tries the meter
    /// category as a service name: `Virtual Machines`.)
    static func service(consumedService: String?, resourceType: String?) -> OpenData.Service? {
        guard consumedService != nil || resourceType != nil else { return nil }
        let type = resourceType?.lowercased() ?? ""
        let namespace = type.split(separator: "/").first.map(String.init) ?? ""
        let consumed = consumedService?.lowercased() ?? namespace
        let services = OpenData.services
        return services.exact["\(consumed)|\(type)"] ?? services.byType[type] ?? services.byConsumedService[consumed]
    }

    /// The type of an Azure resource id as the FinOps toolkit's `Split-AzureResourceId` reads it:
    /// a trailing slash dropped, an odd last segment dropped, the namespace after the last
    /// `providers` segment followed by every other segment (`Microsoft.Sql/servers/databases`);
    /// an id without one is `Microsoft.Resources` (`Microsoft.Resources/subscriptions/resourceGroups`).
    static func resourceType(_ id: String) -> String? {
        var parts = id.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.first != "" { parts.insert("", at: 0) }
        while parts.count > 1, parts.last == "" { parts.removeLast() }
        if parts.count % 2 == 0 { parts.removeLast() }
        guard parts.count > 1 else { return nil }
        let leaf: [String]
        if let providers = parts.lastIndex(where: { $0.lowercased() == "providers" }), providers + 1 < parts.count {
            leaf = Array(parts[(providers + 1)...])
        } else {
            leaf = ["Microsoft.Resources"] + parts.dropFirst()
        }
        let types = stride(from: 1, to: leaf.count, by: 2).map { leaf[$0] }
        return ([leaf[0]] + types).joined(separator: "/")
    }

    /// Commitment discounts (BenefitId, BenefitName) and capacity reservations (AdditionalInfo).
    static func commitment(_ row: CostRow, into focus: inout FocusRow) {
        if let benefit = row["BenefitId"] {
            focus["CommitmentDiscountId"] = benefit
            focus["CommitmentDiscountName"] = row["BenefitName"]
            let lower = benefit.lowercased()
            if lower.contains("/microsoft.capacity/") {
                focus["CommitmentDiscountCategory"] = "Usage"
                focus["CommitmentDiscountType"] = "Reservation"
            } else if lower.contains("/microsoft.billingbenefits/") {
                focus["CommitmentDiscountCategory"] = "Spend"
                focus["CommitmentDiscountType"] = "Savings Plan"
            }
        }
        let chargeType = row["ChargeType"] ?? "Usage"
        if ["UnusedReservation", "UnusedSavingsPlan"].contains(chargeType) {
            focus["CommitmentDiscountStatus"] = "Unused"
        } else if ["Reservation", "SavingsPlan", "Savings Plan"].contains(row["PricingModel"] ?? "") {
            focus["CommitmentDiscountStatus"] = "Used"
        }
        if case .string(let id)? = additionalInfo(row)?["VMCapacityReservationId"], !id.isEmpty {
            focus["CapacityReservationId"] = id
            let unused = focus["x_ResourceType"] == "microsoft.compute/capacityreservationgroups/capacityreservations"
            focus["CapacityReservationStatus"] = unused ? "Unused" : "Used"
        }
    }

    /// SkuId, SkuPriceId, SkuMeter, SkuPriceDetails and the meter's own columns.
    static func sku(_ row: CostRow, origin: Origin, into focus: inout FocusRow) {
        switch origin {
        case .enterpriseAgreement: break  // "Not available"
        case .microsoftCustomerAgreement: focus["SkuId"] = row["ProductId"]
        case .pricedByWarehouse:
            focus["SkuId"] = row["MeterId"]
            focus["SkuPriceId"] = row["MeterId"]
        }
        focus["SkuMeter"] = row["MeterName"]
        focus["x_SkuMeterId"] = row["MeterId"]
        focus["x_SkuMeterCategory"] = row["MeterCategory"]
        focus["x_SkuMeterSubcategory"] = row["MeterSubCategory", "MeterSubcategory"]
        if let info = additionalInfo(row) {
            focus["SkuPriceDetails"] = JSONValue.members(info.sorted { $0.key < $1.key }.map { ("x_" + $0.key, $0.value) }).serialized
        }
    }

    /// AdditionalInfo, a JSON object in its own column (numbers keep their text).
    static func additionalInfo(_ row: CostRow) -> [String: JSONValue]? {
        guard let text = row["AdditionalInfo"], let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object.mapValues(jsonValue)
    }

    static func jsonValue(_ value: Any) -> JSONValue {
        switch value {
        case let text as String: return .string(text)
        case let number as NSNumber: return .number(number.stringValue)
        case let array as [Any]: return .array(array.map(jsonValue))
        case let object as [String: Any]: return .members(object.sorted { $0.key < $1.key }.map { ($0.key, jsonValue($0.value)) })
        default: return .null
        }
    }
}
