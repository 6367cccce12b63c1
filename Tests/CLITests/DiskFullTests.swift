import Foundation
import Load
import TestSupport
import Testing

/// Issue 17, disk full: on a 1 MiB tmpfs (mounted by the test; it runs as root, as CI does) filled
/// to the last byte, `import`, `rebuild` and `invoice --output` fail with one line naming the
/// problem, the warehouse passes `integrity_check` with every row as before and the last invoice
/// file is unchanged; once space is freed the same import completes and the invoice equals one
/// made on a disk that never filled.
@Suite(.serialized) struct DiskFullTests {
    static let utilization = ImportCommandTests.fixture("GetAzureUtilization.json")
    static let export = ImportCommandTests.fixture("cost-export-mca.csv")

    /// A mounted tmpfs of `size`, unmounted at the end.
    final class SmallDisk {
        let path: String
        init(size: String) throws {
            path = FileManager.default.temporaryDirectory.appending(path: "warehouse-full-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let mount = try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path])
            guard mount == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot mount a tmpfs at \(path) (the disk-full tests run as root)"])
            }
        }
        deinit {
            _ = try? Self.run("/bin/umount", [path])
            try? FileManager.default.removeItem(atPath: path)
        }
        func file(_ name: String) -> String { path + "/" + name }

        /// Writes zeros to `filler` until the disk refuses.
        func fill() {
            FileManager.default.createFile(atPath: file("filler"), contents: nil)
            guard let handle = FileHandle(forWritingAtPath: file("filler")) else { return }
            let block = Data(count: 4096)
            while (try? handle.write(contentsOf: block)) != nil {}
            try? handle.close()
        }

        static func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    static func integrity(_ db: String) throws -> String {
        try Database(path: db, mode: .readOnly).scalar("PRAGMA integrity_check")?.string ?? ""
    }

    @Test func aFullDiskFailsInOneLineAndLeavesTheWarehouseWhole() throws {
        let disk = try SmallDisk(size: "1m")
        let db = disk.file("w.db"), invoice = disk.file("invoice.csv")
        #expect(try CLI.run(["import", "--db", db, "--kind", "pc-utilization", Self.utilization]).status == 0)
        #expect(try CLI.run(["invoice", "--db", db, "--period", "2026-10", "--format", "csv", "--output", invoice]).status == 0)
        let rows = try ImportCommandTests.dump(db, withoutRuns: true)
        let invoiceBefore = try Data(contentsOf: URL(fileURLWithPath: invoice))
        disk.fill()

        for args in [
            ["import", "--db", db, "--kind", "azure-cost-export", Self.export], ["rebuild", "--db", db],
            ["invoice", "--db", db, "--period", "2026-10", "--format", "json", "--output", invoice],
        ] {
            let result = try CLI.run(args)
            #expect(result.status != 0, "\(args[0]) succeeded on a full disk")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && (result.stderr.contains("full") || result.stderr.contains("No space left")), "\(args[0]): \(result.stderr)")
            #expect(!result.stderr.contains("SAVEPOINT"), "\(result.stderr)")
            #expect(try Self.integrity(db) == "ok")
            #expect(try ImportCommandTests.dump(db, withoutRuns: true) == rows, "\(args[0]) changed the warehouse")
            #expect(try Data(contentsOf: URL(fileURLWithPath: invoice)) == invoiceBefore)
        }

        try FileManager.default.removeItem(atPath: disk.file("filler"))
        let again = try CLI.run(["import", "--db", db, "--kind", "azure-cost-export", Self.export])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try CLI.run(["invoice", "--db", db, "--period", "2026-10", "--format", "csv", "--output", invoice]).status == 0)

        let dir = try TemporaryDirectory()
        let reference = dir.path("reference.db")
        #expect(try CLI.run(["import", "--db", reference, "--kind", "pc-utilization", Self.utilization]).status == 0)
        #expect(try CLI.run(["import", "--db", reference, "--kind", "azure-cost-export", Self.export]).status == 0)
        let expected = try CLI.run(["invoice", "--db", reference, "--period", "2026-10", "--format", "csv"])
        #expect(try String(contentsOfFile: invoice, encoding: .utf8) == expected.stdout)
        #expect(try ImportCommandTests.dump(db, withoutRuns: true) == ImportCommandTests.dump(reference, withoutRuns: true))
    }
}
