import Config
import Foundation
import TestSupport
import Testing

/// Issue 17: seeded mutation fuzzing of `warehouse.yaml` (the full example and the alerts one):
/// every mutant is read or refused in one line of at most 1,000 characters, each under 2 s.
@Suite struct ConfigFuzzTests {
    @Test(arguments: [("example", WarehouseConfigTests.example), ("alerts", AlertsConfigurationTests.example)])
    func everyMutantIsReadOrRefusedInOneLine(name: String, yaml: String) {
        let rounds = Mutator.rounds(default: 3_000)
        var mutator = Mutator(seed: name.utf8.reduce(29) { $0 &* 31 &+ UInt64($1) })
        let clock = ContinuousClock()
        var refused = 0
        for round in 0..<rounds {
            let mutant = String(decoding: mutator.mutate(Array(yaml.utf8)), as: UTF8.self)
            let started = clock.now
            do {
                _ = try WarehouseConfig.parse(yaml: mutant, file: "w.yaml")
            } catch {
                refused += 1
                let text = "\(error)"
                #expect(!text.contains("\n") && text.count <= 1_000, "\(name) round \(round): \(text.prefix(400))")
            }
            #expect(clock.now - started < .seconds(2), "\(name) round \(round)")
        }
        #expect(refused > 0)
        print("fuzz warehouse.yaml (\(name)): \(rounds) mutants, \(refused) refused in one line, 0 crashes")
    }
}
