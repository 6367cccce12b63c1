import Foundation

/// Seeded mutation fuzzing shared by the readers' fuzz tests (issue 17): byte flips, structural
/// characters, truncations, insertions, deletions and duplications, from a SplitMix64 generator
/// so a seed always gives the same mutants. `rounds` is `WAREHOUSE_FUZZ_ROUNDS` (scripts/fuzz.sh)
/// or the bounded default a test gives for CI.
public struct Mutator {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }

    public static func rounds(default fallback: Int) -> Int {
        ProcessInfo.processInfo.environment["WAREHOUSE_FUZZ_ROUNDS"].flatMap { Int($0) } ?? fallback
    }

    public static let tokens: [[UInt8]] = [
        "\"", "\\", "{", "}", "[", "]", ",", ":", " ", "\n", "\r\n", "0", "-", ".", "e", "E+", "null", "true", "false", "1e999",
        "01", "\\u0041", "\\ud800", "=", "&", "%", "%zz", "%00", "+", "\t", "9223372036854775807", "-9223372036854775808",
        "99999999999999999999999999", "1e-999999", "é", "\u{1B}[31m", "''", "\"\"", "- ", "? ", "*a", "&a", "!!binary", "---",
    ].map { Array($0.utf8) } + [[0x00], [0x1f], [0x7f], [0xC3], [0xFF], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF]]

    /// One or two mutations of `bytes`.
    public mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var m = once(bytes)
        if below(3) == 0 { m = once(m) }
        return m
    }

    mutating func once(_ bytes: [UInt8]) -> [UInt8] {
        var m = bytes
        let at = below(m.count + 1)
        switch below(6) {
        case 0 where !m.isEmpty:
            m[min(at, m.count - 1)] ^= UInt8(1 << below(8))
        case 1 where !m.isEmpty:
            m[min(at, m.count - 1)] = Self.tokens[below(Self.tokens.count)].first ?? 0x20
        case 2:
            m.removeSubrange(at...)
        case 3:
            m.insert(contentsOf: Self.tokens[below(Self.tokens.count)], at: at)
        case 4:
            m.removeSubrange(at..<min(m.count, at + 1 + below(8)))
        default:
            let from = below(m.count + 1)
            let run = Array(m[from..<min(m.count, from + 1 + below(40))])
            m.insert(contentsOf: run, at: min(at, m.count))
        }
        return m
    }
}
