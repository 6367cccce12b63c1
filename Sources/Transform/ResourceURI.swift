import Foundation

/// The parts of an Azure resource id (`resourceUri`):
/// `/subscriptions/{sub}/resourceGroups/{rg}/providers/{namespace}/{type}/{name}[/...]`.
///
/// Segment names are matched ignoring case (Partner Center sends `resourceGroups` in one capture
/// and `resourcegroups` in another). The subscription is lower-cased (a GUID) and so is the
/// resource group, so that groups compare as Azure compares them; an id that is not an ARM path
/// (no leading `subscriptions` segment) yields no parts.
/// See https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
public struct ResourceURI: Equatable, Sendable {
    public var subscriptionID: String?
    public var resourceGroup: String?
    /// `Microsoft.Storage/storageAccounts` for a storage account.
    public var providerType: String?
    /// The last segment (the resource's own name).
    public var name: String?

    public init(subscriptionID: String? = nil, resourceGroup: String? = nil, providerType: String? = nil, name: String? = nil) {
        self.subscriptionID = subscriptionID
        self.resourceGroup = resourceGroup
        self.providerType = providerType
        self.name = name
    }

    public init(parsing uri: String) {
        let segments = uri.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard segments.count >= 2, segments[0].lowercased() == "subscriptions" else { return }
        subscriptionID = segments[1].lowercased()
        func after(_ name: String) -> Int? {
            guard let i = segments.firstIndex(where: { $0.lowercased() == name }), i + 1 < segments.count else { return nil }
            return i + 1
        }
        if let rg = after("resourcegroups") { resourceGroup = segments[rg].lowercased() }
        if let p = after("providers") {
            providerType = p + 1 < segments.count ? "\(segments[p])/\(segments[p + 1])" : segments[p]
            if p + 2 < segments.count { name = segments.last }
        }
    }
}
