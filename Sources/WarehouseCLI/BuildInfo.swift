/// What `warehouse --version` prints: the release and the commit it was built from (embedded at
/// build time by the EmbedBuildInfo plugin from the package's `.git`).
public enum BuildInfo {
    public static let release = "0.2.0"
    public static let commit = BuildCommit.value
    public static var version: String { "\(release) (commit \(commit))" }
}
