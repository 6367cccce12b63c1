import Foundation
import WarehouseCore

/// Rounding money to cents so that every displayed total is the sum of its displayed parts.
///
/// Top-down largest-remainder apportionment: the grand total is rounded once (half away from
/// zero), then split among the groups, each group's cents among its lines, and each line's cents
/// among its tier rows. Each part gets the floor of its exact cents, and the cents still missing go
/// one by one to the parts with the largest remainders (ties to the earlier part). So a part is
/// never more than one cent from its exact value, and the parts always add up to the whole.
public enum CentRounding {
    public static let microsPerCent: Int64 = 10_000

    /// `micros` rounded half away from zero to whole cents.
    public static func cents(_ micros: Int64) -> Int64 {
        let q = micros / microsPerCent, r = micros % microsPerCent
        if r * 2 >= microsPerCent { return q + 1 }
        if r * 2 <= -microsPerCent { return q - 1 }
        return q
    }

    /// Splits `totalCents` among parts whose exact values are `micros`, by largest remainder.
    public static func apportion(totalCents: Int64, micros: [Int64]) -> [Int64] {
        apportion(totalCents: totalCents, amounts: micros.map { Decimal($0) / 1_000_000 })
    }

    /// Splits `totalCents` among parts whose exact values are decimal currency `amounts`, with
    /// Transform's `LargestRemainder` (the Repricer's rule); ties go to the part listed first.
    public static func apportion(totalCents: Int64, amounts: [Decimal]) -> [Int64] {
        let keys = amounts.indices.map { index -> String in
            let digits = String(index)
            return String(repeating: "0", count: max(0, 12 - digits.count)) + digits
        }
        return LargestRemainder.apportion(amounts.map { $0 * 100 }, target: totalCents, tieKeys: keys)
    }

    /// Cents as `-1234.56`.
    public static func format(cents: Int64) -> String {
        let magnitude = cents.magnitude
        let fraction = String(magnitude % 100)
        return (cents < 0 ? "-" : "") + String(magnitude / 100) + "." + (fraction.count == 1 ? "0" + fraction : fraction)
    }
}

/// Exact decimals as invoices print them.
enum DecimalText {
    /// The canonical exact text (no exponent, no trailing zeros).
    static func exact(_ value: Decimal) -> String { ExactDecimal.format(value) }

    /// Rounded to `scale` places, then canonical.
    static func rounded(_ value: Decimal, scale: Int) -> String { ExactDecimal.format(ExactDecimal.rounded(value, scale: scale)) }
}
