import ArgumentParser

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run the whole pipeline against the built-in sandbox and print an invoice.")

    func run() async throws {
        try notYet("warehouse demo", issue: 6)
    }
}
