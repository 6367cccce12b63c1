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
        if let plain = parsePlain(text.utf8) { return plain }
        let bytes = Array(text.utf8)
        guard isNumber(bytes) else { return nil }
        // No locale: the separator is then ".", without asking ICU under a lock on every call
        // (the grammar above already admits nothing else).
        return Decimal(string: String(decoding: bytes, as: UTF8.self), locale: nil)
    }

    /// A plain decimal (`-?[0-9]+(\.[0-9]+)?`, what utilization quantities and stored values
    /// are) of at most 18 digits, built from its digits as an integer and a power of ten; nil for
    /// anything else, which `parse` then reads the general way. A bulk import reads a quantity
    /// per row (twice: decoded, then repriced), and Foundation's `Decimal(string:)` costs a
    /// microsecond where this costs a few dozen nanoseconds.
    static func parsePlain(_ utf8: some Collection<UInt8>) -> Decimal? {
        var significand: UInt64 = 0
        var digits = 0
        var fraction = 0
        var negative = false
        var point = false
        var first = true
        for byte in utf8 {
            defer { first = false }
            switch byte {
            case 0x30...0x39:
                significand = significand &* 10 &+ UInt64(byte &- 0x30)
                digits += 1
                if point { fraction += 1 }
            case 0x2e where !point && digits > 0:
                point = true
            case 0x2d where first:
                negative = true
            default:
                return nil
            }
        }
        // "1." and "-" are not numbers; zero keeps no sign (a negative zero would read as NaN).
        guard digits > 0, digits <= 18, !point || fraction > 0, significand > 0 else {
            return digits > 0 && digits <= 18 && (!point || fraction > 0) ? Decimal.zero : nil
        }
        return Decimal(sign: negative ? .minus : .plus, exponent: -fraction, significand: Decimal(significand))
    }

    /// The canonical text of a decimal: no exponent, no trailing zeros after the point, "-0" as "0".
    public static func format(_ value: Decimal) -> String {
        if value.isZero { return "0" }
        if useLayout, let text = formatFromLayout(value) { return text }
        return formatFromDescription(value)
    }

    /// `format` through Foundation's `description`, which finds each digit by a division of the
    /// whole 128-bit mantissa by ten and costs a microsecond or two.
    static func formatFromDescription(_ value: Decimal) -> String {
        if value.isZero { return "0" }
        var text = value.description
        if text.utf8.contains(UInt8(ascii: ".")) {  // bytes: Foundation's `contains` bridges to NSString
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// `format` from the number's own fields, for a mantissa of up to 64 bits and an exponent of
    /// at most 40 either way; nil otherwise (and for NaN).
    ///
    /// A `Decimal` holds the fields of C's `NSDecimal`
    /// (https://developer.apple.com/documentation/foundation/nsdecimal): a signed 8-bit exponent,
    /// a mantissa length in 16-bit words, a sign bit, and eight 16-bit words of mantissa, least
    /// significant first. Those fields are not public in Swift on Linux, so they are read from
    /// the bytes as swift-foundation lays them out (byte 0 the exponent; byte 1 the length in its
    /// high four bits and the sign in bit 3; the words from byte 4), and only when `useLayout`
    /// found this reading to agree with `description` on numbers of every shape. A bulk import
    /// formats a quantity per row; this costs a tenth of `description`.
    static func formatFromLayout(_ value: Decimal) -> String? {
        guard MemoryLayout<Decimal>.size == 20 else { return nil }
        let (exponent, length, negative, mantissa): (Int, Int, Bool, UInt64?) = withUnsafeBytes(of: value) { bytes in
            let flags = bytes[1]
            let length = Int(flags >> 4)
            var mantissa: UInt64 = 0
            guard length <= 4 else { return (0, length, false, nil) }
            for word in stride(from: length - 1, through: 0, by: -1) {
                mantissa = mantissa << 16 | UInt64(bytes[4 + 2 * word]) | UInt64(bytes[5 + 2 * word]) << 8
            }
            return (Int(Int8(bitPattern: bytes[0])), length, flags & 0x08 != 0, mantissa)
        }
        guard var mantissa, length > 0, abs(exponent) <= 40 else { return nil }
        var scale = -exponent
        while scale > 0, mantissa % 10 == 0 {
            mantissa /= 10
            scale -= 1
        }
        if mantissa == 0 { return "0" }
        var digits = String(mantissa)
        if scale < 0 {
            digits += String(repeating: "0", count: -scale)
        } else if scale > 0 {
            if digits.utf8.count <= scale { digits = String(repeating: "0", count: scale - digits.utf8.count + 1) + digits }
            digits.insert(".", at: digits.utf8.index(digits.utf8.endIndex, offsetBy: -scale))
        }
        return negative ? "-" + digits : digits
    }

    /// Whether `formatFromLayout` reads this Foundation's decimals as its `description` does, on
    /// numbers of every shape; checked once.
    static let useLayout: Bool = {
        let samples = [
            "0.0053", "50018196", "-12", "1.5", "123456789012345678", "-0.000000000000000001", "100", "2.5E-30", "18446744073709551615",
            "1E+40", "-7.25", "0.1", "4294967296", "65536.00001",
        ]
        return samples.allSatisfy { text in
            guard let value = Decimal(string: text, locale: nil) else { return false }
            return formatFromLayout(value).map { $0 == formatFromDescription(value) } ?? true
        }
    }()

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
