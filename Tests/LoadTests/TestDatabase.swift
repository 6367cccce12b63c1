import Foundation
import Load

/// A fresh warehouse file in its own temporary directory, removed when the value goes away.
final class TestDatabase {
    let directory: URL
    let path: String
    let db: Database

    init(migrated: Bool = true) throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "warehouse-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appending(path: "test.db").path
        db = migrated ? try Database.openWarehouse(path: path) : try Database(path: path)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func count(_ table: String) throws -> Int64 {
        try db.scalar("SELECT count(*) FROM \(table)")?.int64 ?? -1
    }
}
