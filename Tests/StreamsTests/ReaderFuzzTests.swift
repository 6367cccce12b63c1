import Foundation
import Streams
import TestSupport
import Testing
import WarehouseCore

/// Issue 17: seeded mutation fuzzing of every `--kind` reader (JSON and CSV, plain and gzip).
/// Every mutant is read or refused: never a crash, never a hang (each read under 2 s), and every
/// refusal is one line of at most 1,000 characters. `scripts/fuzz.sh N` runs N rounds per kind.
@Suite struct ReaderFuzzTests {
    static let kinds = StreamSpecTests.cases

    @Test(arguments: kinds)
    func everyMutantIsReadOrRefusedInOneLine(_ c: StreamSpecTests.Case) throws {
        let original = [UInt8](try Fixture.data(c.fixture))
        let rounds = Mutator.rounds(default: 2_000)
        var mutator = Mutator(seed: c.kind.name.utf8.reduce(17) { $0 &* 31 &+ UInt64($1) })
        var refused = 0
        let clock = ContinuousClock()
        for round in 0..<rounds {
            let mutant = mutator.mutate(original)
            var data = Data(mutant)
            if round % 10 == 9, let gz = try? Zlib.deflate(data, gzip: true) { data = gz }
            let started = clock.now
            do {
                _ = try c.kind.decode(data, file: c.fixture, options: c.options, now: UTCTime(year: 2026, month: 11, day: 20))
            } catch {
                refused += 1
                let text = "\(error)"
                #expect(!text.contains("\n") && text.count <= 1_000, "\(c.kind.name) round \(round): \(text.prefix(400))")
            }
            #expect(clock.now - started < .seconds(2), "\(c.kind.name) round \(round) took \(clock.now - started)")
        }
        #expect(refused > 0)
        print("fuzz \(c.kind.name): \(rounds) mutants, \(refused) refused in one line, 0 crashes")
    }
}
