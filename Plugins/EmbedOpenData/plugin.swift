import Foundation
import PackagePlugin

/// Embeds the FinOps toolkit's open data files (Sources/Query/OpenData/*.csv, vendored with their
/// LICENSE and SOURCE; `scripts/refresh-open-data.sh` refreshes them) into the `Query` target as
/// Swift string constants: no resource bundle for an installed or statically linked binary to lose.
@main
struct EmbedOpenData: BuildToolPlugin {
    static let files = ["Services", "PricingUnits", "Regions", "ResourceTypes"]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let directory = target.directoryURL.appending(path: "OpenData")
        let tool = try context.tool(named: "embed-schema").url
        return Self.files.map { name in
            let input = directory.appending(path: "\(name).csv")
            let output = context.pluginWorkDirectoryURL.appending(path: "OpenData\(name).swift")
            return .buildCommand(
                displayName: "Embedding \(name).csv",
                executable: tool,
                arguments: [input.path(percentEncoded: false), output.path(percentEncoded: false), "OpenData\(name)CSV", "text"],
                inputFiles: [input],
                outputFiles: [output])
        }
    }
}
