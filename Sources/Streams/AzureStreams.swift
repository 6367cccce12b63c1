import Extract
import Foundation
import Transform

/// Azure Commerce (direct subscriptions): UsageAggregates and the offer's RateCard.
/// https://learn.microsoft.com/previous-versions/azure/reference/mt219001(v=azure.100)
extension StreamSpec {
    public static let azureUsage = StreamSpec(
        name: "azure-usage", defaultSource: "azure", stream: "usage", window: .daily(perSubscription: true), reprice: .monthsTouched,
        replaces: .reportedWindow
    ) { data, file, options, _ in
        try Normalize.azureUsage(
            try AzureUsageAggregatesPage.decode(data, file: file), source: options.sourceName, subscription: options.subscription,
            reported: options.reported, file: file)
    }

    public static let azureRateCard = StreamSpec(
        name: "azure-ratecard", defaultSource: "azure", stream: "ratecard", window: .snapshot, reprice: .everyMonth, replaces: .naturalKey
    ) { data, file, options, _ in
        Normalize.rateCard(try AzureRateCard.decode(data, file: file), source: options.sourceName)
    }
}
