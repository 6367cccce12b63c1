import Foundation

/// Exact decimal numbers for quantities, rates and money.
///
/// Foundation's `Decimal(string:)` accepts a prefix ("12abc" reads as 12) and its behaviour on
/// odd input varies, so every number from outside goes through `ExactDecimal.parse`, which
/// accepts exactly the JSON number grammar (plus a leading '+') and nothing else. Values never
/// pass through `Double`.
public enum ExactDecimal {
    /// Parses a decimal written as JSON writes numbers: `-12`, `0.0053`, `2.0E-4`, `5.0018196E7`.
    public static func parse(_ text: some StringProtocol) -> Decimal? {
        let bytes = Array(text.utf8)
        guard isNumber(bytes) else { return nil }
        // No locale: the separator is then ".", without asking ICU under a lock on every call
        // (the grammar above already admits nothing else).
        return Decimal(string: String(decoding: bytes, as: UTF8.self), locale: nil)
    }

    /// The canonical text of a decimal: no exponent, no trailing zeros after the point, "-0" as "0".
    public static func format(_ value: Decimal) -> String {
        if value.isZero { return "0" }
        var text = value.description
        if text.utf8.contains(UInt8(ascii: ".")) {  // bytes: Foundation's `contains` bridges to NSString
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// `value` rounded to `scale` decimal places, half away from zero (the commercial rule).
    public static func rounded(_ value: Decimal, scale: Int) -> Decimal {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, scale, .plain)
        return result
    }

    /// `value` rounded down (toward negative infinity) to `scale` places.
    public static func floor(_ value: Decimal, scale: Int) -> Decimal {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, scale, .down)
        return result
    }

    /// An integral decimal as Int64, or nil when it is not integral or out of range.
    public static func int64(_ value: Decimal) -> Int64? {
        let text = format(value)
        return Int64(text)
    }

    /// The JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? ; a '+' sign and
    /// leading zeros ("007") are accepted too, as CSV exports write them.
    static func isNumber(_ bytes: [UInt8]) -> Bool {
        var index = 0
        let count = bytes.count
        func digits() -> Int {
            let start = index
            while index < count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            return index - start
        }
        if index < count, bytes[index] == 0x2d || bytes[index] == 0x2b { index += 1 }
        let whole = digits()
        var fraction = 0
        if index < count, bytes[index] == 0x2e {
            index += 1
            fraction = digits()
            if fraction == 0 { return false }
        }
        if whole == 0 { return false }
        if index < count, bytes[index] == 0x65 || bytes[index] == 0x45 {
            index += 1
            if index < count, bytes[index] == 0x2d || bytes[index] == 0x2b { index += 1 }
            if digits() == 0 { return false }
        }
        return index == count && count > 0
    }
}

/// Money as integer micro-units of a currency (1 USD = 1,000,000 micros): exact, additive, and
/// what the warehouse stores.
public enum Micros {
    public static let perUnit: Int64 = 1_000_000

    /// `amount` rounded half away from zero to micro-units.
    public static func from(_ amount: Decimal) -> Int64? {
        ExactDecimal.int64(ExactDecimal.rounded(amount * Decimal(perUnit), scale: 0))
    }

    /// Micro-units as an exact decimal amount.
    public static func decimal(_ micros: Int64) -> Decimal {
        Decimal(micros) / Decimal(perUnit)
    }

    /// Micro-units as text with `places` decimals (2 for an invoice), half away from zero.
    public static func format(_ micros: Int64, places: Int = 2) -> String {
        precondition((0...6).contains(places))
        let divisor = powerOfTen(6 - places)
        let magnitude = micros.magnitude
        var scaled = magnitude / UInt64(divisor)
        if (magnitude % UInt64(divisor)) * 2 >= UInt64(divisor) { scaled += 1 }
        let unit = UInt64(powerOfTen(places))
        var text = String(scaled / unit)
        if places > 0 {
            text += "." + String(scaled % unit).leftPadded(to: places)
        }
        return (micros < 0 && scaled != 0 ? "-" : "") + text
    }

    /// 10^exponent for 0...6, in integers: money formatting never touches floating point.
    static func powerOfTen(_ exponent: Int) -> Int64 {
        (0..<exponent).reduce(Int64(1)) { value, _ in value * 10 }
    }
}
