import Extract
import Foundation
import Transform
import WarehouseCore

/// One source stream, declared once (as Meltano declares its streams): the name `--kind` and
/// `raw_pages.kind` use, the `raw_pages.stream` it is stored under, how the nightly run windows
/// and checkpoints it, its decoder to facts, which billing months a load of it reprices, and what
/// a re-pull of it replaces. `warehouse import`, the nightly run and `warehouse rebuild` all read
/// a document through its stream's declaration, so a stream cannot be loaded two ways.
///
/// The declarations live one file per source: `PartnerCenterStreams.swift`, `AzureStreams.swift`,
/// `ArcGISStreams.swift`, `FileStreams.swift`. A new stream is one more declaration there and one
/// entry in `StreamSpec.all`.
public struct StreamSpec: Sendable, Hashable, CustomStringConvertible {
    /// `--kind`, `raw_pages.kind` and a files source's `import_kind:` (`pc-utilization`).
    public let name: String
    /// The source name used when `--source` is not given (`partnercenter`).
    public let defaultSource: String
    /// The `raw_pages.stream` the document is stored under (`utilization`).
    public let stream: String
    /// How the nightly run reads it.
    public let window: Window
    /// Which billing months a load that changed rows queues for repricing.
    public let reprice: RepriceScope
    /// What a re-pull of the same request replaces.
    public let replaces: Replacement
    let decoder: @Sendable (Data, String, ImportOptions, UTCTime) throws -> FactBatch

    /// How the nightly run asks for a stream.
    public enum Window: Sendable, Hashable {
        /// A snapshot, read whole every run (customers, rate cards, users and budgets, items).
        case snapshot
        /// One UTC day per request from the checkpoint minus the re-pull days; the checkpoint key
        /// is `stream`, or `stream/<subscription id>` when `perSubscription`.
        case daily(perSubscription: Bool)
        /// Files dropped in a folder, each loaded once (`files` sources).
        case files
    }

    /// The months a load queues for repricing (`pending_reprice`).
    public enum RepriceScope: Sendable, Hashable {
        /// Nothing is priced from it (customers, `portals/self`).
        case none
        /// The months of the usage or snapshots it holds.
        case monthsTouched
        /// Every month of the source: rates, subscriptions and users can change any charge.
        case everyMonth
    }

    /// What a re-pulled document replaces, its replacement unit.
    public enum Replacement: Sendable, Hashable {
        /// Entities and rate tiers by their natural key (a customer, a meter's tiers on a date).
        case naturalKey
        /// The snapshot day: a user's budget or an item's size on the `--as-of` day.
        case snapshotDay
        /// The reported window: records are selected by the time they were reported to billing,
        /// and a record reported in a later window is more usage (or a negative adjustment) that
        /// adds up. A re-pull of a window replaces exactly what that window's earlier answer
        /// loaded, rows no longer in it included (docs/contracts/reported-windows.md). Partner
        /// Center utilization and Azure Commerce UsageAggregates.
        case reportedWindow
        /// Usage buckets: each row is the total of its usage period, re-stated whole by a re-pull
        /// (ArcGIS Online usage, its credits report, cost exports).
        case usageBucket
    }

    init(
        name: String, defaultSource: String, stream: String, window: Window, reprice: RepriceScope, replaces: Replacement,
        decoder: @escaping @Sendable (Data, String, ImportOptions, UTCTime) throws -> FactBatch
    ) {
        self.name = name
        self.defaultSource = defaultSource
        self.stream = stream
        self.window = window
        self.reprice = reprice
        self.replaces = replaces
        self.decoder = decoder
    }

    /// Decodes `data` (plain or gzip, with or without a BOM) into facts; `now` is the snapshot day
    /// when `options.asOf` is not given. Errors name `file`.
    public func decode(_ data: Data, file: String, options: ImportOptions, now: UTCTime = .now()) throws -> FactBatch {
        try decoder(data, file, options, now)
    }

    /// The checkpoint key of this stream, for one subscription where it has one each.
    public func checkpoint(subscription: String? = nil) -> String {
        if case .daily(perSubscription: true) = window, let subscription { return "\(stream)/\(subscription.lowercased())" }
        return stream
    }

    public var description: String { name }
    public static func == (a: StreamSpec, b: StreamSpec) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// Every stream, in the order `--kind` lists them.
    public static let all: [StreamSpec] = [
        .pcCustomers, .pcSubscriptions, .pcUtilization, .pcRateCard, .azureUsage, .azureRateCard, .agolSelf, .agolUsers, .agolItems,
        .agolUsage, .agolCreditsCSV, .azureCostExport,
    ]

    /// The stream named `name` (a `--kind`), or nil.
    public static func named(_ name: String) -> StreamSpec? { all.first { $0.name == name } }

    /// Every kind, for help and error messages.
    public static var names: String { all.map(\.name).joined(separator: ", ") }
}
