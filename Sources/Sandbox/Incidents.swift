import WarehouseCore

/// Incidents planted in the synthetic data (`warehouse sandbox --incidents DAY`, `warehouse demo
/// --incidents DAY`), so anomaly detection can be tried and tested (issue 18). Everything is a pure
/// function of the seed and the anchor day `DAY`, like the rest of the sandbox; without
/// `--incidents` nothing here changes a record.
///
/// - **Runaway VM**: on usage days DAY, DAY+1 and DAY+2, a virtual machine of the first CSP usage
///   subscription runs 20× its usual hours (480 hours a day of its meter instead of 24: a scale set
///   of twenty left running).
/// - **Geocoding burst**: on DAY+7, one ArcGIS Online user geocodes 50,000 addresses in an
///   afternoon: 2,000 credits (40 credits per 1,000, Esri's rate) on top of their usual usage.
/// - **Storage doubling**: a storage account of the second CSP usage subscription keeps a steady
///   10,000 GB item (LRS Data Stored) every day; from DAY+14 on it holds 20,000 GB.
///
/// Azure incidents take the place of one generated record of the reported day (index 0 for the
/// VM, 1 for the storage item), reported on time, so paging and record counts are unchanged.
public struct SandboxIncidents: Sendable, Equatable {
    /// The first day of the first incident (UTC midnight).
    public let anchor: UTCTime

    public init(anchor: UTCTime) { self.anchor = anchor.startOfDay }

    /// One planted incident as the sandbox's ground truth: what, where, and its usage days.
    public struct Planted: Sendable, Equatable {
        public let kind: String
        /// The subscription id or ArcGIS username the incident is in.
        public let subject: String
        public let firstDay: UTCTime
        /// The last usage day of the incident; nil when it lasts (a level that stays doubled).
        public let lastDay: UTCTime?
    }

    static let vmHoursPerDay: Int64 = 480_000_000
    static let storageLevel: Int64 = 10_000_000_000
    static let geocodeUnits = 20_000_000  // 2,000 credits in 1e-4 credits

    var vmDays: ClosedRange<Int64> { anchor.seconds / 86_400...anchor.seconds / 86_400 + 2 }
    var geocodeDay: Int64 { anchor.seconds / 86_400 + 7 }
    var doublingDay: Int64 { anchor.seconds / 86_400 + 14 }

    /// The incidents planted in `azure` and `arcgis`, in order.
    public func planted(azure: SyntheticOrganization, arcgis: ArcGISOrganization) -> [Planted] {
        var out: [Planted] = []
        let subscriptions = azure.usageSubscriptions.map(\.subscription)
        if let vm = subscriptions.first, Self.resource(vm, kind: "Microsoft.Compute/virtualMachines") != nil {
            out.append(Planted(kind: "runaway-vm", subject: vm.id, firstDay: anchor, lastDay: anchor.adding(days: 2)))
        }
        if let user = geocodeUser(arcgis) {
            out.append(Planted(kind: "geocoding-burst", subject: arcgis.users.first { $0.index == user }?.username ?? "", firstDay: anchor.adding(days: 7), lastDay: anchor.adding(days: 7)))
        }
        if subscriptions.count > 1, Self.resource(subscriptions[1], kind: "Microsoft.Storage/storageAccounts") != nil {
            out.append(Planted(kind: "storage-doubling", subject: subscriptions[1].id, firstDay: anchor.adding(days: 14), lastDay: nil))
        }
        return out
    }

    /// The first resource of `kind` in `subscription`, with the index of its first meter.
    static func resource(_ subscription: SyntheticOrganization.Subscription, kind provider: String) -> SyntheticOrganization.Resource? {
        subscription.resources.first { $0.uri.contains("/providers/\(provider)/") }
    }

    /// `usage` as generated, or the incident record that takes its place.
    func apply(_ usage: SyntheticUsage, in organization: SyntheticOrganization, subscription: SyntheticOrganization.Subscription, index: Int) -> SyntheticUsage {
        guard index < 2 else { return usage }  // most records: no look at the organization
        let day = usage.reported.seconds / 86_400 - 1
        let subscriptions = organization.usageSubscriptions.map(\.subscription)
        if index == 0, vmDays.contains(day), subscription.id == subscriptions.first?.id,
            let vm = Self.resource(subscription, kind: "Microsoft.Compute/virtualMachines")
        {
            return Self.onTime(usage, resource: vm, meter: MeterCatalogue.meters[vm.meters[0]], quantity: Self.vmHoursPerDay)
        }
        if index == 1, subscriptions.count > 1, subscription.id == subscriptions[1].id,
            let account = Self.resource(subscription, kind: "Microsoft.Storage/storageAccounts")
        {
            let level = day >= doublingDay ? 2 * Self.storageLevel : Self.storageLevel
            return Self.onTime(usage, resource: account, meter: MeterCatalogue.meters[account.meters[0]], quantity: level)
        }
        return usage
    }

    /// A record of `resource`'s `meter` for the day before the reported day, reported on time.
    static func onTime(_ usage: SyntheticUsage, resource: SyntheticOrganization.Resource, meter: SandboxMeter, quantity: Int64) -> SyntheticUsage {
        let start = usage.reported.adding(days: -1)
        return SyntheticUsage(
            subscriptionID: usage.subscriptionID, meter: meter, resource: resource, usageStart: start, usageEnd: usage.reported,
            reported: usage.reported, quantityMicros: quantity, isLate: false)
    }

    /// The index of the user of the geocoding burst: the first user (in username order, past the
    /// admin and the storage fixture) who geocodes at all.
    func geocodeUser(_ org: ArcGISOrganization) -> Int? {
        org.users.first { $0.index >= 2 && org.isActive(user: $0.index, service: Self.geocodeService) }?.index
    }

    static let geocodeService = ArcGISOrganization.services.firstIndex { $0.stype == "geocode" } ?? 2

    /// Credits (in 1e-4) the incidents add to `user`'s usage of `service` on `day`.
    func extraUnits(_ org: ArcGISOrganization, user: Int, service: Int, day: Int64) -> Int {
        guard day == geocodeDay, service == Self.geocodeService, user == geocodeUser(org) else { return 0 }
        return Self.geocodeUnits
    }
}

extension SandboxIncidents {
    /// `YYYY-MM-DD`, or `recent`: 24 days before `now`'s day, so all three fall in the last month.
    public init?(parsing text: String, now: UTCTime) {
        if text == "recent" {
            self.init(anchor: now.startOfDay.adding(days: -24))
        } else if text.count == 10, let day = UTCTime.parse(text + "T00:00:00Z") {
            self.init(anchor: day)
        } else {
            return nil
        }
    }
}
