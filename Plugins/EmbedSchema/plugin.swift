import Foundation
import PackagePlugin

/// Turns the package's root `schema.sql` into a Swift string constant inside the `Load` target,
/// so the file stays the one source of truth and the binary carries it wherever it is copied.
@main
struct EmbedSchema: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let input = context.package.directoryURL.appending(path: "schema.sql")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSchema.swift")
        return [
            .buildCommand(
                displayName: "Embedding schema.sql",
                executable: try context.tool(named: "embed-schema").url,
                arguments: [input.path(percentEncoded: false), output.path(percentEncoded: false)],
                inputFiles: [input],
                outputFiles: [output])
        ]
    }
}
