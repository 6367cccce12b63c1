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
            Import them with: warehouse import DIR/utilization-*.json --kind pc-utilization
            """)

    @Option(help: "Number of pages to write (1,000 records each).")
    var pages: Int

    @Option(help: "Directory to write the pages into (created if missing).")
    var out: String

    @Option(help: "Seed of the synthetic organization.")
    var seed: UInt64 = 42

    @Option(help: "Number of CSP customers (two Azure subscriptions each); pages rotate over the subscriptions.")
    var customers: Int = 50

    func validate() throws {
        guard (1...1_000_000).contains(pages) else { throw ValidationError("--pages must be 1...1000000, not \(pages)") }
        guard (1...1000).contains(customers) else { throw ValidationError("--customers must be 1...1000, not \(customers)") }
    }

    func run() async throws {
        try await reportingErrors {
            let output = try UtilizationPageGenerator(seed: seed, customers: customers).write(pages: pages, to: out)
            printOut("wrote \(output.files.count) pages, \(output.records) records, \(output.bytes) bytes to \(out)\n")
        }
    }
}
