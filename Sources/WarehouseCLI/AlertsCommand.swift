import ArgumentParser

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Check budgets and thresholds and notify.")

    func run() async throws {
        try notYet("warehouse alerts", issue: 8)
    }
}
