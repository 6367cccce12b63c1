import ArgumentParser

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Load saved API responses and exports from files.")

    func run() async throws {
        try notYet("warehouse import", issue: 3)
    }
}
