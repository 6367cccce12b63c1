import ArgumentParser

struct InvoiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoice", abstract: "Print an itemized invoice for a billing period.")

    func run() async throws {
        try notYet("warehouse invoice", issue: 7)
    }
}
