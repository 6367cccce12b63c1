import Foundation
import TestSupport
import Testing
@testable import WarehouseCore


@Suite struct LargestRemainderTests {
    static let cases: [(String, [String], Int64, [Int64])] = [
        ("exact shares need no adjustment", ["1", "2", "3"], 6, [1, 2, 3]),
        ("the largest remainder takes the extra unit", ["33.3333", "33.3333", "33.3334"], 100, [33, 33, 34]),
        ("equal remainders tie-break by key", ["0.5", "0.5", "0.5", "0.5"], 2, [1, 1, 0, 0]),
        ("largest remainder first", ["1.2", "1.7", "2.1"], 5, [1, 2, 2]),
        ("negative shares", ["-1.5", "-1.5", "4"], 1, [-1, -2, 4]),
        ("a target below the floors takes from the smallest remainders", ["1.9", "1.1"], 1, [1, 0]),
    ]

    @Test(arguments: cases)
    func apportions(_ name: String, shares: [String], target: Int64, expected: [Int64]) {
        let keys = shares.indices.map { "k\($0)" }
        let result = LargestRemainder.apportion(shares.map(dec), target: target, tieKeys: keys)
        #expect(result == expected, "\(name)")
        #expect(result.reduce(0, +) == target)
    }

    @Test func resultDoesNotDependOnInputOrder() {
        let shares = ["0.5", "0.5", "0.5", "0.25", "0.75"].map(dec)
        let keys = ["e", "a", "c", "b", "d"]
        let forward = Dictionary(uniqueKeysWithValues: zip(keys, LargestRemainder.apportion(shares, target: 3, tieKeys: keys)))
        let backward = Dictionary(uniqueKeysWithValues: zip(
            keys.reversed(), LargestRemainder.apportion(shares.reversed(), target: 3, tieKeys: keys.reversed())))
        #expect(forward == backward)
        #expect(forward == ["a": 1, "c": 1, "d": 1, "e": 0, "b": 0])
    }
}

extension LargestRemainderTests {
    @Test(arguments: ["0", "-1", "9000000000000000000", "-9223372036854775808", "9223372036854775807", "123456789012345"])
    func integralDecimalsConvertExactly(_ text: String) {
        let value = dec(text)
        #expect(LargestRemainder.apportion([value], target: Int64(text) ?? 0, tieKeys: ["k"]) == [Int64(text) ?? -1])
    }
}
