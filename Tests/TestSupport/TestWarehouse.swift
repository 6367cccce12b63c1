import Foundation
import Load
import WarehouseCore

/// A temporary directory, removed when the value goes away.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "warehouse-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public func path(_ name: String) -> String { url.appending(path: name).path }
}

/// A fresh warehouse file in its own temporary directory (a test's own, never shared), removed
/// when the value goes away.
public final class TestWarehouse {
    public let temporary: TemporaryDirectory
    public var directory: URL { temporary.url }
    public let path: String
    public let db: Database

    /// `migrated`: created as `warehouse init` creates it; else an empty SQLite file.
    public init(migrated: Bool = true) throws {
        temporary = try TemporaryDirectory()
        path = temporary.path("test.db")
        db = migrated ? try Database.openWarehouse(path: path) : try Database(path: path)
    }

    /// Rows in `table`, or -1.
    public func count(_ table: String) throws -> Int64 {
        try db.scalar("SELECT count(*) FROM \(table)")?.int64 ?? -1
    }

    /// Every row of every table, as text, in a stable order: compares the warehouse's content.
    public func dump() throws -> [String] {
        let tables = try db.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap { $0.first?.string }
        var lines: [String] = []
        for table in tables {
            for row in try db.prepare("SELECT * FROM \(table) ORDER BY 1, 2").map({ $0.values.map(\.description).joined(separator: "|") }) {
                lines.append("\(table): \(row)")
            }
        }
        return lines
    }
}

/// Fixture bytes by name: the loader's fixtures (`Tests/IngestTests/Fixtures`), else the
/// readers' (`Tests/ExtractTests/Fixtures`), read in place and shared, never copied.
public enum Fixture {
    public struct Missing: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "no fixture \(name)" }
    }

    public static func data(_ name: String) throws -> Data {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        for folder in ["IngestTests", "ExtractTests"] {
            let url = tests.appending(path: "\(folder)/Fixtures/\(name)")
            if FileManager.default.fileExists(atPath: url.path) { return try Data(contentsOf: url) }
        }
        throw Missing(name: name)
    }
}

/// An exact decimal from its text, for test tables (`dec("0.1")`); NaN for text that is not one.
public func dec(_ text: String) -> Decimal { ExactDecimal.parse(text) ?? .nan }
