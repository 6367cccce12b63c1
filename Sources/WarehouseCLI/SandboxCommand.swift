import ArgumentParser

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox", abstract: "Serve the loopback emulator of the ArcGIS Online, Partner Center and Azure APIs.")

    func run() async throws {
        try notYet("warehouse sandbox", issue: 4)
    }
}
