import Foundation
import Postgres
import Testing

/// A throwaway PostgreSQL cluster for one suite, from `scripts/pg-cluster.sh`: started before the
/// suite's first test, stopped after its last (`.postgresCluster`). When the server cannot start,
/// the suite fails with the script's reason; it is never skipped, so CI cannot pass without it.
struct PostgresCluster: Sendable {
    let directory: URL
    /// `postgres://postgres@127.0.0.1:PORT/postgres`; the password is in `passFile` only.
    let url: String
    let passFile: String

    @TaskLocal static var current: PostgresCluster?

    /// What a `warehouse` process needs to log in: the cluster's password file, and no PGPASSWORD.
    var environment: [String: String] { ["PGPASSFILE": passFile, "PGPASSWORD": ""] }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "scripts/pg-cluster.sh").path

    /// `tls` is the script's third argument, `ssl` or `ssl-only`; nil starts a cluster without TLS.
    static func start(tls: String? = nil) throws -> PostgresCluster {
        let parent = FileManager.default.temporaryDirectory.appending(path: "warehouse-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let directory = parent.appending(path: "cluster")
        let (status, out, err) = try shell([script, "start", directory.path] + (tls.map { [$0] } ?? []))
        guard status == 0, let url = out.split(separator: "\n").last.map(String.init), url.hasPrefix("postgres://") else {
            try? FileManager.default.removeItem(at: parent)
            throw PostgresClusterError(message: "scripts/pg-cluster.sh start failed (exit \(status)): \(err)")
        }
        return PostgresCluster(directory: directory, url: url, passFile: directory.appending(path: "pgpass").path)
    }

    func stop() {
        _ = try? Self.shell([Self.script, "stop", directory.path])
        try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
    }

    /// A new, empty database in the cluster; its URL.
    func database(_ name: String) async throws -> String {
        let admin = try PostgresURL.parse(url, environment: ["PGPASSFILE": passFile])
        try await PostgresSession.with(admin) { _ = try await $0.execute("CREATE DATABASE \(name)") }
        return String(url.dropLast("postgres".count)) + name
    }

    /// A session on database `name` of the cluster.
    func session<T>(_ name: String, _ body: (PostgresSession) async throws -> T) async throws -> T {
        let target = try PostgresURL.parse(String(url.dropLast("postgres".count)) + name, environment: ["PGPASSFILE": passFile])
        return try await PostgresSession.with(target, body)
    }

    /// Runs bash with `arguments`, its output in files rather than pipes: the server the script
    /// starts outlives it, and a pipe it held open would keep a reader waiting.
    static func shell(_ arguments: [String]) throws -> (Int32, String, String) {
        let scratch = FileManager.default.temporaryDirectory.appending(path: "pg-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outFile = scratch.appending(path: "out"), errFile = scratch.appending(path: "err")
        FileManager.default.createFile(atPath: outFile.path, contents: nil)
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: outFile, encoding: .utf8), try String(contentsOf: errFile, encoding: .utf8))
    }
}

struct PostgresClusterError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Starts one cluster around a whole suite and stops it after (Swift Testing's `TestScoping`).
struct PostgresClusterTrait: SuiteTrait, TestScoping {
    var tls: String?
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let cluster = try PostgresCluster.start(tls: tls)
        defer { cluster.stop() }
        try await PostgresCluster.$current.withValue(cluster) { try await function() }
    }
}

extension Trait where Self == PostgresClusterTrait {
    /// A PostgreSQL cluster of the suite's own, in `PostgresCluster.current`.
    static var postgresCluster: Self { Self() }
}

extension Trait where Self == PostgresClusterTrait {
    /// A cluster with TLS on (`scripts/pg-cluster.sh start DIR ssl`): its CA in `caFile`.
    static var postgresClusterWithTLS: Self { Self(tls: "ssl") }
}

extension PostgresCluster {
    /// The CA that signed the server's certificate (a TLS cluster only); the certificate names
    /// `localhost`, not 127.0.0.1.
    var caFile: String { directory.appending(path: "ca.crt").path }
    /// A CA that signed nothing of this cluster's.
    var otherCAFile: String { directory.appending(path: "other-ca.crt").path }

    /// The cluster's URL with another host and a query (`sslmode=…`), for database `name`.
    func url(host: String = "127.0.0.1", database name: String = "postgres", query: String = "") -> String {
        let port = url.split(separator: ":").last.flatMap { $0.split(separator: "/").first } ?? ""
        return "postgres://postgres@\(host):\(port)/\(name)" + (query.isEmpty ? "" : "?\(query)")
    }
}
