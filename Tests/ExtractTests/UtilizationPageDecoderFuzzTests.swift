import Foundation
import Testing
import WarehouseCore

@testable import Extract

/// A seeded mutation fuzzer over real utilization pages (issue 9): byte flips, structural
/// characters, truncations, insertions and deletions. For every mutant the fast decoder must not
/// crash, and whenever its fast lane accepts, Foundation's `JSONSerialization` must accept the
/// bytes too and the general path must read the very same page. Seeded, so a failure repeats;
/// the seed and the mutant are in the failure message.
@Suite struct UtilizationPageDecoderFuzzTests {
    /// A small deterministic generator (SplitMix64), so each seed gives the same mutants.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
    }

    static let tokens: [[UInt8]] = [
        "\"", "\\", "{", "}", "[", "]", ",", ":", " ", "0", "-", ".", "e", "E+", "null", "true", "false", "1e999", "01",
        "\\u0041", "\\ud800", "\"x\":1,", "\"quantity\":2,", "\"items\":[],", "\u{7f}", "é",
    ].map { Array($0.utf8) } + [[0x00], [0x1f], [0xC3], [0xFF], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF]]

    /// One mutation of `bytes`.
    static func mutate(_ bytes: [UInt8], _ r: inout Random) -> [UInt8] {
        var m = bytes
        let at = r.below(m.count + 1)
        switch r.below(6) {
        case 0 where !m.isEmpty:  // flip one bit
            let i = min(at, m.count - 1)
            m[i] ^= UInt8(1 << r.below(8))
        case 1 where !m.isEmpty:  // replace a byte with a structural one
            m[min(at, m.count - 1)] = tokens[r.below(tokens.count)].first ?? 0x20
        case 2:  // truncate
            m.removeSubrange(at...)
        case 3:  // insert a token
            m.insert(contentsOf: tokens[r.below(tokens.count)], at: at)
        case 4:  // delete a run
            m.removeSubrange(at..<min(m.count, at + 1 + r.below(8)))
        default:  // duplicate a run elsewhere
            let from = r.below(m.count + 1)
            let run = Array(m[from..<min(m.count, from + 1 + r.below(40))])
            m.insert(contentsOf: run, at: min(at, m.count))
        }
        return m
    }

    /// Real pages small enough to mutate thousands of times in a debug build: the documentation
    /// sample, and the first records of the captured page (re-serialized by the general parser).
    static func corpus() throws -> [[UInt8]] {
        let small = [UInt8](try Fixture.data("GetUtilizationRecords.json"))
        let big = try DocumentReader.json(try Fixture.data("GetAzureUtilization.json"), file: "")
        guard case .object(var root) = big, case .array(let items)? = root["items"] else { return [small] }
        root.members = root.members.map { $0.key == "items" ? .init(key: "items", value: .array(Array(items.prefix(3)))) : $0 }
        return [small, [0xEF, 0xBB, 0xBF] + Array(JSONValue.object(root).serialized.utf8)]
    }

    @Test("mutants: never a crash, never accepted where Foundation or the general path refuse", arguments: [1, 2, 3, 4] as [UInt64])
    func mutants(seed: UInt64) throws {
        var r = Random(state: seed)
        var accepted = 0, declined = 0
        for original in try Self.corpus() {
            #expect(UtilizationPageDecoder.fastDecode(Data(original)) != nil, "the unmutated page takes the fast lane")
            for round in 0..<(ProcessInfo.processInfo.environment["WAREHOUSE_FUZZ_ROUNDS"].flatMap { Int($0) } ?? 1500) {
                var mutant = Self.mutate(original, &r)
                if r.below(3) == 0 { mutant = Self.mutate(mutant, &r) }
                let data = Data(mutant)
                guard let page = UtilizationPageDecoder.fastDecode(data) else {
                    declined += 1
                    continue
                }
                accepted += 1
                let context = "seed \(seed) round \(round): \(String(decoding: mutant, as: UTF8.self))"
                #expect((try? FoundationReading.object(data)) != nil, "Foundation refuses what the fast lane took: \(context)")
                #expect(UtilizationPageDecoderTests.general(data) == .success(page), "the general path disagrees: \(context)")
            }
        }
        // Both outcomes must occur, or the property above proved nothing.
        #expect(accepted > 50)
        #expect(declined > 50)
    }
}
