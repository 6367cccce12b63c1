import Foundation
import WarehouseCore

/// Shares a rounded total among lines so that the rounded lines add up to it exactly
/// (the largest-remainder method, also called Hamilton's method).
///
/// Each line gets the floor of its exact share; the units left over go one each to the lines
/// with the largest fractional remainders. Ties go to the line whose tie-break key sorts first
/// (the usage row's natural key), never to whichever record happened to come first, so the
/// result does not depend on the order of records.
public enum LargestRemainder {
    /// Integer shares of `target` for the exact `shares` (same unit, e.g. micro-units).
    ///
    /// - Parameters:
    ///   - shares: each line's exact share; they should add up to about `target`.
    ///   - target: the rounded total the result must add up to.
    ///   - tieKeys: one order-free key per line (unique within the call).
    /// - Returns: one integer per line, in input order, adding up to `target` exactly.
    public static func apportion(_ shares: [Decimal], target: Int64, tieKeys: [String]) -> [Int64] {
        precondition(shares.count == tieKeys.count, "one tie key per share")
        guard !shares.isEmpty else { return [] }
        var result = [Int64](repeating: 0, count: shares.count)
        var remainders = [Decimal](repeating: 0, count: shares.count)
        var assigned: Int64 = 0
        for (index, share) in shares.enumerated() {
            let floor = ExactDecimal.floor(share, scale: 0)
            // A share beyond Int64 micro-units (9.2 trillion currency units) is not money.
            let whole = wholeInt64(floor) ?? (share < 0 ? Int64.min / 4 : Int64.max / 4)
            result[index] = whole
            remainders[index] = share - floor
            assigned &+= whole
        }
        var left = target &- assigned
        if left == 0 { return result }
        // Largest remainder first; a deficit (only when shares do not add up to the target)
        // is taken from the smallest remainders first. Remainders are compared by their first
        // 18 digits as integers (cheap), then exactly, then by key.
        let scaled = remainders.map { wholeInt64(ExactDecimal.floor($0 * remainderScale, scale: 0)) ?? 0 }
        let order = shares.indices.sorted { a, b in
            if scaled[a] != scaled[b] { return scaled[a] > scaled[b] }
            if remainders[a] != remainders[b] { return remainders[a] > remainders[b] }
            return tieKeys[a] < tieKeys[b]
        }
        while left > 0 {
            for index in order where left > 0 {
                result[index] += 1
                left -= 1
            }
        }
        while left < 0 {
            for index in order.reversed() where left < 0 {
                result[index] -= 1
                left += 1
            }
        }
        return result
    }

    static let int64Range = Decimal(Int64.min)...Decimal(Int64.max)
    static let remainderScale = Decimal(1_000_000_000_000_000_000 as Int64)

    /// An integral decimal as Int64: `NSDecimalNumber.int64Value` is exact for integers in
    /// range and far faster than going through text (this runs once per usage row), but answers
    /// 0 out of range, so the range is checked first and anything else goes the exact slow way.
    static func wholeInt64(_ integral: Decimal) -> Int64? {
        guard int64Range.contains(integral) else { return ExactDecimal.int64(integral) }
        return NSDecimalNumber(decimal: integral).int64Value
    }
}
