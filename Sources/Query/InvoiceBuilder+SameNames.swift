import Foundation

extension InvoiceBuilder {
    /// What tells a meter apart from others of the same name, in the order tried: the
    /// sub-category (what it is: `Standard_D2s_v3 VM`), the region (the same meter sold in two
    /// regions), a short meter id, the source, the whole meter id.
    static let qualifiers: [@Sendable (MeterKey, MeterInfo?) -> String?] = [
        { _, info in info?.subcategory },
        { _, info in info?.region },
        { key, _ in "meter " + key.meterID.prefix(8) },
        { key, _ in key.source },
        { key, _ in "\(key.source) meter \(key.meterID)" },
    ]

    /// The names to show for meters that share a name: `name, qualifier` with the first qualifier
    /// that is present and different for every meter of the name, so two "Compute Hours" at
    /// different prices are told apart. A name no other meter of `keys` has is left alone, so
    /// an invoice without such a collision reads as before.
    static func distinctNames(_ keys: [(key: MeterKey, name: String)], meters: [MeterKey: MeterInfo]) -> [MeterKey: String] {
        var byName: [String: [MeterKey]] = [:]
        for entry in keys where !byName[entry.name, default: []].contains(entry.key) {
            byName[entry.name, default: []].append(entry.key)
        }
        var result: [MeterKey: String] = [:]
        for (name, colliding) in byName where colliding.count > 1 {
            for qualifier in qualifiers {
                let values = colliding.map { qualifier($0, meters[$0]).flatMap { $0.isEmpty ? nil : $0 } }
                let present = values.compactMap { $0 }
                guard present.count == colliding.count, Set(present.map { $0.lowercased() }).count == present.count else { continue }
                for (key, value) in zip(colliding, present) { result[key] = "\(name), \(value)" }
                break
            }
        }
        return result
    }

    /// `lines` with the names of same-named meters told apart (see `distinctNames`).
    static func distinguishSameNames(_ lines: inout [InvoiceLine], meters: [MeterKey: MeterInfo]) {
        let keys = lines.map { (key: MeterKey(source: $0.source, meterID: $0.meterID.lowercased()), name: $0.meterName) }
        let names = distinctNames(keys, meters: meters)
        guard !names.isEmpty else { return }
        for index in lines.indices {
            if let name = names[keys[index].key] { lines[index].meterName = name }
        }
    }
}
