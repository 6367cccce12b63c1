import Foundation
import PackagePlugin

/// Embeds `Sources/Postgres/schema.sql`, the warehouse's PostgreSQL DDL, into the `Postgres` target
/// as `PostgresSchemaText.sql`: one file to edit when the schema changes, carried by the binary.
@main
struct EmbedPostgresSchema: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let input = target.directoryURL.appending(path: "schema.sql")
        let output = context.pluginWorkDirectoryURL.appending(path: "PostgresSchemaText.swift")
        return [
            .buildCommand(
                displayName: "Embedding the PostgreSQL schema",
                executable: try context.tool(named: "embed-schema").url,
                arguments: [input.path(percentEncoded: false), output.path(percentEncoded: false), "PostgresSchemaText", "sql"],
                inputFiles: [input],
                outputFiles: [output])
        ]
    }
}
