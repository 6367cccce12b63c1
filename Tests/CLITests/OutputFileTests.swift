import Foundation
import TestSupport
import Testing
@testable import WarehouseCLI

/// Issue 17, item 4: `--output` files are 0600 (an existing mode kept) and never the warehouse.
@Suite struct OutputFileTests {
    @Test(arguments: ["invoice", "report", "export"])
    func outputFilesAreOwnerOnlyAndNeverTheWarehouse(command: String) throws {
        let dir = try TemporaryDirectory()
        let db = try HostileExport.warehouse(dir)
        let args: [String] = switch command {
        case "invoice": ["invoice", "--db", db, "--period", "2023-09", "--format", "csv"]
        case "report": ["report", "trend", "--db", db, "--period", "2023-09", "--format", "csv"]
        default: ["export", "focus", "--db", db, "--period", "2023-09"]
        }
        let fresh = dir.path("out.csv")
        #expect(try CLI.run(args + ["--output", fresh]).status == 0)
        #expect(try Self.mode(fresh) == 0o600)
        let shared = dir.path("shared.csv")
        try "old".write(toFile: shared, atomically: false, encoding: .utf8)
        chmod(shared, 0o640)
        #expect(try CLI.run(args + ["--output", shared]).status == 0)
        #expect(try Self.mode(shared) == 0o640)
        #expect(try String(contentsOfFile: shared, encoding: .utf8) != "old")
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        for target in [db, db + "-wal", db + "-shm", db + ".lock", dir.path("./w.db")] {
            let refused = try CLI.run(args + ["--output", target])
            #expect(refused.status == 1, "\(target)")
            #expect(refused.stderr.hasPrefix("warehouse: --output ") && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
            #expect(refused.stdout.isEmpty)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
    }

    /// `export focus` writes as it reads (`OutputWriter`, chunks of 1 MiB): lines crossing chunk
    /// edges arrive whole, the file appears only when finished, and a writer dropped unfinished
    /// (the export failed) leaves the file as it was and no temporary file beside it.
    @Test func writtenInChunksAFileAppearsWholeOrNotAtAll() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("export.csv")
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        let lines = (0..<60_000).map { "row \($0),é,\(String(repeating: "x", count: $0 % 97))\r\n" }
        do {
            let dropped = try OutputWriter(path: path)
            for line in lines { try dropped.write(line) }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path(".")) == ["export.csv"])
        let writer = try OutputWriter(path: path)
        for line in lines { try writer.write(line) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old", "nothing replaces the file before finish")
        try writer.finish()
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written.utf8.count > 2 * OutputWriter.chunk && written == lines.joined())
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path(".")) == ["export.csv"])
    }

    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1) & 0o777
    }
}
