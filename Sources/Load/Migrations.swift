import Foundation
import WarehouseCore

/// The schema's versions. Version 1 is `schema.sql` as embedded at build time; each later version
/// is SQL appended here, applied once, in order, each in its own transaction, never edited after
/// release. A file written by a newer build is refused rather than misread.
public enum Migrations {
    public struct Migration: Sendable {
        public let version: Int
        public let sql: String
        /// Work SQL alone cannot do, run after `sql` in the same transaction.
        public var after: (@Sendable (Database) throws -> Void)? = nil
    }

    public static let all: [Migration] = [
        Migration(version: 1, sql: EmbeddedSchema.sql),
        version2,
        version3,
        version4,
        version5,
        version6,
        version7,
    ]

    public static var latestVersion: Int { all.map(\.version).max() ?? 0 }

    /// The full text of `schema.sql` as this build knows it.
    public static var schemaSQL: String { EmbeddedSchema.sql }
}

/// A warehouse file that cannot be used as one.
public struct SchemaError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

extension Database {
    /// The schema version recorded in the file (0 = empty file).
    public func schemaVersion() throws -> Int {
        if remote != nil { return Int(try scalar("SELECT coalesce(max(version), 0) FROM schema_version")?.int64 ?? 0) }
        let hasTable = try scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")?.int64 ?? 0
        if hasTable == 0 {
            let others = try scalar("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")?.int64 ?? 0
            if others > 0 {
                throw SchemaError(path: path, message: "not a warehouse file (it has tables but no schema_version); refusing to touch it")
            }
            return 0
        }
        return Int(try scalar("SELECT coalesce(max(version), 0) FROM schema_version")?.int64 ?? 0)
    }

    /// Brings the file to the latest schema version (or to `through`, for tests that make a file
    /// of an earlier version); returns the versions applied (empty = no-op).
    @discardableResult
    public func migrate(now: UTCTime = .now(), through last: Int = Migrations.latestVersion) throws -> [Int] {
        var applied: [Int] = []
        let current = try schemaVersion()
        if current > Migrations.latestVersion {
            throw SchemaError(
                path: path,
                message: "schema version \(current) is newer than this build knows (\(Migrations.latestVersion)); upgrade warehouse")
        }
        for migration in Migrations.all where migration.version > current && migration.version <= last {
            try transaction {
                // Re-check inside the write lock: another process may have migrated meanwhile.
                guard try schemaVersion() < migration.version else { return }
                try execute(migration.sql)
                try migration.after?(self)
                try run("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", migration.version, now.iso8601)
                applied.append(migration.version)
            }
        }
        return applied
    }

    /// Opens a warehouse for writing, creating and migrating it as needed.
    public static func openWarehouse(path: String, busyTimeout: Duration = .seconds(10)) throws -> Database {
        if RemoteWarehouse.isRemote(path) { return try openRemote(path, readOnly: false) }
        let db = try Database(path: path, mode: .readWrite, busyTimeout: busyTimeout)
        try db.migrate()
        return db
    }

    /// Opens an existing warehouse read-only; a missing file or an unmigrated one is an error.
    public static func openWarehouseReadOnly(path: String) throws -> Database {
        if RemoteWarehouse.isRemote(path) { return try openRemote(path, readOnly: true) }
        guard FileManager.default.fileExists(atPath: path) else {
            throw SchemaError(path: path, message: "no warehouse here; run `warehouse init` (or `warehouse demo`) first")
        }
        let db = try Database(path: path, mode: .readOnly)
        let version = try db.schemaVersion()
        if version != Migrations.latestVersion {
            throw SchemaError(path: path, message: "schema version \(version), expected \(Migrations.latestVersion); run `warehouse init` to migrate")
        }
        return db
    }

    /// A warehouse on a server (`postgres://…`): created there when empty, unless `readOnly`.
    static func openRemote(_ location: String, readOnly: Bool) throws -> Database {
        let remote = try RemoteWarehouse.connection(location)
        try remote.openWarehouse(readOnly: readOnly)
        return Database(remote: remote, mode: readOnly ? .readOnly : .readWrite)
    }
}
