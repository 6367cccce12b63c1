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
        let floors = micros.map { floorDiv($0, microsPerCent) }
        let remainders = zip(micros, floors).map { Decimal($0 - $1 * microsPerCent) }
        return distribute(totalCents: totalCents, floors: floors, remainders: remainders)
    }

    /// Splits `totalCents` among parts whose exact values are decimal currency `amounts`.
    public static func apportion(totalCents: Int64, amounts: [Decimal]) -> [Int64] {
        let scaled = amounts.map { $0 * 100 }
        let floors = scaled.map { ExactDecimal.int64(ExactDecimal.floor($0, scale: 0)) ?? 0 }
        let remainders = zip(scaled, floors).map { $0 - Decimal($1) }
        return distribute(totalCents: totalCents, floors: floors, remainders: remainders)
    }

    static func distribute(totalCents: Int64, floors: [Int64], remainders: [Decimal]) -> [Int64] {
        guard !floors.isEmpty else { return [] }
        var result = floors
        var missing = totalCents - floors.reduce(0, +)
        // Largest remainder first (ties: earlier part first); when cents must be taken away, the
        // smallest remainders give them up first.
        let byRemainder = floors.indices.sorted { a, b in
            remainders[a] != remainders[b] ? remainders[a] > remainders[b] : a < b
        }
        while missing > 0 {
            for index in byRemainder where missing > 0 {
                result[index] += 1
                missing -= 1
            }
        }
        while missing < 0 {
            for index in byRemainder.reversed() where missing < 0 {
                result[index] -= 1
                missing += 1
            }
        }
        return result
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
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
