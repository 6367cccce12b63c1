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
        let facts = "SELECT count(*), group_concat(quantity, ',') FROM (SELECT quantity FROM usage ORDER BY source, meter_id, usage_start, quantity)"
        #expect(try Database(path: db, mode: .readOnly).rows(facts) == Database(path: reference, mode: .readOnly).rows(facts))
    }

    /// `warehouse etl` against the sandbox on a full disk: one line naming the problem among its
    /// output, a failing exit, the file whole; with space freed the same night completes and the
    /// facts and invoice equal those of a run on a disk that never filled.
    @Test func etlOnAFullDiskFailsAndTheNextRunCompletesExactly() async throws {
        let h = try await ETLHarness(backfillFrom: "2026-10-26")
        let disk = try SmallDisk(size: "16m")
        let db = disk.file("w.db")
        #expect(try await h.etl(now: "2026-10-28T03:00:00Z", db: db).status == 0)
        disk.fill()
        let full = try await h.etl(now: "2026-11-02T03:00:00Z", db: db)
        #expect(full.status != 0)
        #expect(full.stderr.contains("no space left") || full.stderr.contains("disk is full"), "\(full.stderr.suffix(1200))")
        #expect(!full.stderr.contains("SAVEPOINT"))

        // A WAL database cannot even be read on a full disk (its -shm cannot be made): checked
        // once space is freed, before the next run.
        try FileManager.default.removeItem(atPath: disk.file("filler"))
        #expect(try Self.integrity(db) == "ok")
        let again = try await h.etl(now: "2026-11-02T03:00:00Z", db: db)
        #expect(again.status == 0, "\(again.stderr.suffix(600))")
        let reference = h.dir.path("reference.db")
        #expect(try await h.etl(now: "2026-10-28T03:00:00Z", db: reference).status == 0)
        #expect(try await h.etl(now: "2026-11-02T03:00:00Z", db: reference).status == 0)
        #expect(try ETLHarness.facts(db) == ETLHarness.facts(reference))
        #expect(try await ETLHarness.invoice(db, period: "2026-10") == ETLHarness.invoice(reference, period: "2026-10"))
    }
}
