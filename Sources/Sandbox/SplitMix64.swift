/// A small, fast, seedable PRNG (Steele, Lea & Flood's SplitMix64). The sandbox derives every
/// generated value from a seed and an index, never from the system generator, so the same seed
/// gives the same organization, byte for byte, on every machine.
/// https://prng.di.unimi.it/splitmix64.c
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one item: the seed mixed with the item's coordinates.
    public init(seed: UInt64, _ coordinates: UInt64...) {
        var s = SplitMix64.mix(seed)
        for c in coordinates { s = SplitMix64.mix(s ^ (c &* 0x9E37_79B9_7F4A_7C15)) }
        state = s
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (bound > 0).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }

    /// True with probability `permille / 1000`.
    mutating func chance(_ permille: Int) -> Bool { below(1000) < permille }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// A GUID-shaped string (lower-case hex), deterministic.
    mutating func guid() -> String {
        let a = next(), b = next()
        let hex = String(a, radix: 16).leftPad(16) + String(b, radix: 16).leftPad(16)
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-4" + String(c[13..<16]) + "-a" + String(c[17..<20]) + "-"
            + String(c[20..<32])
    }
}

/// FNV-1a, 64 bits: the sandbox's checksum of records and the MAC of its continuation tokens.
public enum FNV1a {
    public static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }
}

extension String {
    func leftPad(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
