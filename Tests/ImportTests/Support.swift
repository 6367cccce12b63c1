import Config
import Foundation
import Ingest
import Load
import Streams

/// Fixture bytes: this target's own `Fixtures`, else the readers' fixtures in `Tests/ExtractTests/Fixtures`
/// (shared, not copied).
enum Fixture {
    struct Missing: Error, CustomStringConvertible {
        let name: String
        var description: String { "no fixture \(name)" }
    }

    static func data(_ name: String) throws -> Data {
        if let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") {
            return try Data(contentsOf: url)
        }
        let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "ExtractTests/Fixtures/\(name)")
        guard FileManager.default.fileExists(atPath: shared.path) else { throw Missing(name: name) }
        return try Data(contentsOf: shared)
    }
}

/// A fresh warehouse file in its own temporary directory, removed when the value goes away.
final class TestWarehouse {
    let directory: URL
    let path: String
    let db: Database

    init() throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "warehouse-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appending(path: "test.db").path
        db = try Database.openWarehouse(path: path)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func count(_ table: String) throws -> Int64 { try db.scalar("SELECT count(*) FROM \(table)")?.int64 ?? -1 }

    /// Every row of every table, as text, in a stable order: compares the warehouse's content.
    func dump() throws -> [String] {
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
