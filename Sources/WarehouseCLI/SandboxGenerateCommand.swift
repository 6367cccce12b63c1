import ArgumentParser
import Foundation
import Sandbox

/// `warehouse sandbox generate`: Partner Center utilization pages written to files, the same
/// shape the sandbox serves, for benchmarks (`scripts/bench-bulk.sh`) and import rehearsals
/// without a server. Each page is 1,000 records with distinct natural keys; the same seed gives
/// the same bytes.
struct SandboxGenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write Partner Center utilization pages (1,000 records each) to files.",
        discussion: """
            --seed and --customers are the sandbox's (without --customers: one customer, two Azure
            subscriptions, per 20 pages). Import the pages with:
              warehouse import DIR/utilization-*.json --kind pc-utilization
            """)

    @Option(help: "Number of pages to write (1,000 records each).")
    var pages: Int

    @Option(help: "Directory to write the pages into (created if missing).")
    var out: String

    /// `--seed` and `--customers` are `warehouse sandbox`'s own options (given before or after
    /// `generate`); without `--customers`, one customer (two subscriptions) per 20 pages, so each
    /// subscription gets about ten pages, a year and a half of daily usage.
    @ParentCommand var sandbox: SandboxCommand

    var customers: Int { sandbox.customers ?? max(1, min(1000, pages / 20)) }

    func validate() throws {
        guard (1...1_000_000).contains(pages) else { throw ValidationError("--pages must be 1...1000000, not \(pages)") }
        guard customers >= 1 else { throw ValidationError("--customers must be at least 1 to generate usage") }
    }

    func run() async throws {
        try await reportingErrors {
            let output = try UtilizationPageGenerator(seed: sandbox.seed, customers: customers).write(pages: pages, to: out)
            printOut("wrote \(output.files.count) pages, \(output.records) records, \(output.bytes) bytes to \(out)\n")
        }
    }
}
