import Foundation
import PackagePlugin

/// Writes the commit the package is built from into `WarehouseCLI` (`warehouse --version`). The
/// commit is read from the package's `.git` (a directory, or a worktree's `gitdir:` file) without
/// running git, and passed to the tool as an argument: SwiftPM evaluates this plugin on every
/// build, so a new commit changes the command and only the generated file is rebuilt. A source
/// tree without `.git` (a release tarball) says "unknown".
@main
struct EmbedBuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildCommit.swift")
        let commit = GitHead(package: context.package.directoryURL).commit() ?? "unknown"
        return [
            .buildCommand(
                displayName: "Embedding the build commit (\(commit))",
                executable: try context.tool(named: "embed-build-info").url,
                arguments: [commit, output.path(percentEncoded: false)],
                outputFiles: [output])
        ]
    }
}

/// The commit `HEAD` names, read from git's files.
struct GitHead {
    let package: URL

    func commit() -> String? {
        guard let gitDir = gitDirectory() else { return nil }
        guard let head = read(gitDir.appending(path: "HEAD")) else { return nil }
        guard head.hasPrefix("ref: ") else { return short(head) }
        let ref = String(head.dropFirst(5))
        let common = read(gitDir.appending(path: "commondir")).map { gitDir.appending(path: $0).standardizedFileURL } ?? gitDir
        for dir in [gitDir, common] {
            if let sha = read(dir.appending(path: ref)) { return short(sha) }
        }
        let packed = read(common.appending(path: "packed-refs")) ?? ""
        let line = packed.split(separator: "\n").first { $0.hasSuffix(" " + ref) }
        return line.flatMap { short(String($0.prefix(40))) }
    }

    private func gitDirectory() -> URL? {
        let dotGit = package.appending(path: ".git")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path(percentEncoded: false), isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { return dotGit }
        guard let pointer = read(dotGit), pointer.hasPrefix("gitdir: ") else { return nil }
        let path = String(pointer.dropFirst(8))
        return path.hasPrefix("/") ? URL(fileURLWithPath: path) : package.appending(path: path).standardizedFileURL
    }

    private func read(_ url: URL) -> String? {
        (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func short(_ sha: String) -> String? {
        let hex = sha.prefix(40)
        return hex.count == 40 && hex.allSatisfy(\.isHexDigit) ? String(hex.prefix(12)) : nil
    }
}
