import Foundation
import WarehouseCore

/// The largest amount or quantity one imported row may carry: ±1,000,000,000 (a billion dollars
/// or credits in one row of one day). Money is summed in micro-units as SQLite integers, which
/// stop at 9.2 × 10^18 and fail the whole query with `integer overflow` past it: with rows of at
/// most 10^15 micro-units, a month's group needs over 9,000 rows each at the bound to overflow,
/// where three rows of 5 × 10^12 used to (issue 17, item 5). A number past the bound is an error
/// naming its row, never a fact, and never silently "unpriced".
public enum ImportBounds {
    public static let magnitude: Decimal = 1_000_000_000

    /// `text` as an exact decimal within ±`magnitude`, or `problem`'s error naming `column`.
    static func number(_ text: String, in column: String, problem: (String) -> DocumentError) throws -> Decimal {
        guard let value = ExactDecimal.parse(text), !value.isNaN else {
            throw problem("expected a number in \(column), found '\(text)'")
        }
        guard value.magnitude <= magnitude else {
            let shown = text.count > 40 ? "\(text.prefix(40))… (\(text.count) characters)" : text
            throw problem("\(column) \(shown) is out of range: at most ±1,000,000,000 per row")
        }
        return value
    }
}
