import Foundation

/// Cost centers group case-insensitively ("Ops", "OPS" and "ops" are one) and are shown in
/// their most common spelling among the usage rows they cover; a tie goes to the spelling that
/// sorts first, so the name shown never depends on the order rows were read.
public enum CostCenterNames {
    /// The grouping key stored in `cost_centers.cost_center_key` and `charges.cost_center_key`.
    public static func key(_ name: String) -> String { name.lowercased() }

    /// The display name for one key from the row counts of its spellings; nil when empty.
    public static func displayName(_ counts: [String: Int]) -> String? {
        counts.min { a, b in a.value != b.value ? a.value > b.value : a.key < b.key }?.key
    }
}
