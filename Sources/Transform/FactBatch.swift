import Extract
import Foundation
import WarehouseCore

/// The facts of one document, ready to load in one transaction.
///
/// Usage records sharing a natural key (which includes the reported window) within one document:
/// - identical in every column (the Partner Center sample has two such records): one row. A
///   record listed twice in one answer is one record, not twice the usage
///   (docs/contracts/reported-windows.md, "Identical records");
/// - different (e.g. two cost-export lines for one resource, meter and day under two pricing
///   models): their quantities (and costs) are added into one row, the other columns kept from the
///   first. Across documents, a later load of the same key replaces the earlier row (upsert).
/// Dimension rows (meters, resources, ...) with the same key: the last one wins.
public struct FactBatch: Sendable {
    /// Records read from the document (before merging).
    public var records = 0
    public private(set) var usage: [UsageFact] = []
    private var usageIndex: [UsageFact.NaturalKey: Int] = [:]
    /// For a row that more than one record made: every distinct record read under its key, the
    /// first one first. A row one record made is its own record (nearly all rows: nothing is
    /// kept twice or hashed whole on the hot path).
    private var rowRecords: [Int: [UsageFact]] = [:]
    public private(set) var duplicatesCollapsed = 0
    public private(set) var duplicatesSummed = 0

    public var rates: [RateFact] = []
    public var offerTerms: [OfferTermFact] = []
    public private(set) var meters: [MeterFact] = []
    private var meterIndex: [String: Int] = [:]
    public private(set) var resources: [ResourceFact] = []
    private var resourceIndex: [String: Int] = [:]
    public var customers: [CustomerFact] = []
    public var subscriptions: [SubscriptionFact] = []
    public var users: [UserFact] = []
    public var storageSnapshots: [StorageSnapshotFact] = []
    public var creditBudgets: [CreditBudgetFact] = []
    public var orgCredits: [OrgCreditFact] = []
    /// The reported window the document answers (Partner Center utilization, UsageAggregates):
    /// loading it replaces what the earlier answer of that window loaded. Nil for usage buckets.
    public var reportedWindow: ReportedWindow?
    /// The accounts (subscriptions) whose window the document answers, even with no records.
    public var reportedAccounts: Set<String> = []
    /// True when the API said more pages of the same answer follow (`links.next`, `nextLink`).
    public var answerContinues = false
    /// Things skipped on purpose (an item of unknown size), one line each.
    public var warnings: [String] = []

    public init() {}

    /// Room for `count` usage rows, made once rather than grown (and every key hashed again) as
    /// a page's records are added.
    public mutating func reserveUsage(_ count: Int) {
        usage.reserveCapacity(count)
        usageIndex.reserveCapacity(count)
    }

    public mutating func add(_ fact: UsageFact) {
        let next = usage.count
        let i = Self.slot(of: fact.naturalKey, claiming: next, in: &usageIndex)
        guard i != next else {
            usage.append(fact)
            return
        }
        // A record identical to one already read counts once, whatever was summed since. Until a
        // second record arrives, the row itself is its first record, unsummed.
        var seen = rowRecords[i] ?? [usage[i]]
        guard !seen.contains(fact) else {
            duplicatesCollapsed += 1
            return
        }
        seen.append(fact)
        rowRecords[i] = seen
        duplicatesSummed += 1
        usage[i].quantity += fact.quantity
        if let cost = fact.cost { usage[i].cost = (usage[i].cost ?? 0) + cost }
    }

    public mutating func add(_ meter: MeterFact) {
        FactBatch.replaceOrAppend(meter, key: meter.meterID.asciiLowercased, in: &meters, index: &meterIndex)
    }

    public mutating func add(_ resource: ResourceFact) {
        FactBatch.replaceOrAppend(resource, key: resource.resourceID.asciiLowercased, in: &resources, index: &resourceIndex)
    }

    /// Last one wins, in first-seen order.
    private static func replaceOrAppend<T>(_ value: T, key: String, in list: inout [T], index: inout [String: Int]) {
        let next = list.count
        let i = slot(of: key, claiming: next, in: &index)
        if i == next { list.append(value) } else { list[i] = value }
    }

    /// The index `index` holds for `key`, or `next`, claimed for it when it holds none (a key
    /// already seen holds a smaller one): with one hash of the key, as a `default:` subscript
    /// accessed in place stores its default.
    private static func slot<Key: Hashable>(of key: Key, claiming next: Int, in index: inout [Key: Int]) -> Int {
        { (slot: inout Int) in slot }(&index[key, default: next])
    }

    /// Keeps only the usage rows `keep` accepts (`warehouse rebuild --period` re-derives one month).
    public mutating func retainUsage(where keep: (UsageFact) -> Bool) {
        var kept: [UsageFact] = []
        var keptRecords: [Int: [UsageFact]] = [:]
        for (i, row) in usage.enumerated() where keep(row) {
            if let records = rowRecords[i] { keptRecords[kept.count] = records }
            kept.append(row)
        }
        usage = kept
        rowRecords = keptRecords
        usageIndex = Dictionary(uniqueKeysWithValues: usage.enumerated().map { ($1.naturalKey, $0) })
    }

    /// Every distinct usage record read, before summing (each row's first record first): to merge
    /// the pages of one answer record by record (`addRecords(of:)`).
    public var usageRecords: [UsageFact] {
        usage.indices.flatMap { rowRecords[$0] ?? [usage[$0]] }
    }

    /// Adds the usage records of `other` one by one, as if read here: the pages of one reported
    /// window's answer are one answer (a record repeated on two pages counts once; records with
    /// the same key add up). Merging the pages' summed rows instead would not see a repeat.
    public mutating func addRecords(of other: FactBatch) {
        for fact in other.usageRecords { add(fact) }
    }

    /// The billing periods (`YYYY-MM`) the usage rows fall in: what must be repriced.
    public var periods: Set<String> { Set(usage.map(\.period)) }
}

/// A document that reads fine but cannot become facts (an id nobody gave, a period unknown).
public struct NormalizeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var message: String
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { "\(file): \(message)" }
}

/// Wire records to facts: pure functions, no I/O. One extension per source family.
public enum Normalize {
    /// A JSON array of strings as text (user tags).
    public static func jsonArray(_ strings: [String]) -> String {
        "[" + strings.map(JSONValue.quoted).joined(separator: ",") + "]"
    }
}
