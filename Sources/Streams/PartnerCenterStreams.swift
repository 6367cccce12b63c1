import Extract
import Foundation
import Transform

/// Partner Center: customers, their subscriptions, the Azure rate card, and the Azure
/// utilization of each usage-based subscription.
/// https://learn.microsoft.com/partner-center/developer/get-a-customer-s-utilization-record-for-azure
extension StreamSpec {
    public static let pcCustomers = StreamSpec(
        name: "pc-customers", defaultSource: "partnercenter", stream: "customers", window: .snapshot, reprice: .none, replaces: .naturalKey
    ) { data, file, options, _ in
        Normalize.partnerCenterCustomers(try PartnerCenterCustomersPage.decode(data, file: file), source: options.sourceName)
    }

    /// New subscriptions can move usage between customers: every month is repriced.
    public static let pcSubscriptions = StreamSpec(
        name: "pc-subscriptions", defaultSource: "partnercenter", stream: "subscriptions", window: .snapshot, reprice: .everyMonth,
        replaces: .naturalKey
    ) { data, file, options, _ in
        Normalize.partnerCenterSubscriptions(
            try PartnerCenterSubscriptionsPage.decode(data, file: file), source: options.sourceName, customer: options.customer)
    }

    public static let pcUtilization = StreamSpec(
        name: "pc-utilization", defaultSource: "partnercenter", stream: "utilization", window: .daily(perSubscription: true),
        reprice: .monthsTouched, replaces: .reportedWindow
    ) { data, file, options, _ in
        try Normalize.partnerCenterUtilization(
            try UtilizationPageDecoder.decode(data, file: file), source: options.sourceName, customer: options.customer,
            subscription: options.subscription, reported: options.reported, file: file)
    }

    public static let pcRateCard = StreamSpec(
        name: "pc-ratecard", defaultSource: "partnercenter", stream: "ratecard", window: .snapshot, reprice: .everyMonth, replaces: .naturalKey
    ) { data, file, options, _ in
        Normalize.rateCard(try PartnerCenterRateCard.decode(data, file: file), source: options.sourceName)
    }
}
