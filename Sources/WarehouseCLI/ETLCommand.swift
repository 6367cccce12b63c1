import ArgumentParser

struct ETLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "etl", abstract: "The nightly run: extract from every configured source, load and price.")

    func run() async throws {
        try notYet("warehouse etl", issue: 6)
    }
}
