import Foundation
import TestSupport
import Testing

/// Issue 17, item 9: import errors say what is true, in one line, the warehouse unchanged.
@Suite struct ImportErrorTests {
    @Test func importErrorsSayWhatIsTrue() throws {
        let dir = try TemporaryDirectory()
        let db = try HostileExport.warehouse(dir)
        let before = try ImportCommandTests.dump(db, withoutRuns: true)
        func failing(_ file: String, kind: String = "azure-cost-export") throws -> String {
            let result = try CLI.run(["import", "--db", db, "--kind", kind, file])
            #expect(result.status == 1, "\(file): \(result.stdout)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            return result.stderr
        }
        let directory = try failing(dir.path("."))
        #expect(directory.contains("directory") && !directory.contains("NSCocoaErrorDomain"), "\(directory)")
        let empty = try failing("/dev/null", kind: "pc-utilization")
        #expect(!empty.contains("permission"), "\(empty)")
        #expect(empty.contains("empty"), "\(empty)")
        let fifo = dir.path("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Thread {
            if let handle = FileHandle(forWritingAtPath: fifo) {
                handle.write(Data("{\"items\": [".utf8))
                try? handle.close()
            }
        }
        writer.start()
        let piped = try failing(fifo, kind: "pc-utilization")
        #expect(!piped.contains("permission") && piped.contains("line 1"), "\(piped)")
        let digits = String(repeating: "9", count: 100_000)
        try (HostileExport.header + "\n64e355d7-997c-491d-b0c1-8414dccfcf42,09/04/2023,m,c,s,,n,1,\(digits),USD,rg,1,,Usage\n")
            .write(toFile: dir.path("long.csv"), atomically: true, encoding: .utf8)
        let long = try failing(dir.path("long.csv"))
        #expect(long.count < 1_000 && long.contains("line 2"), "\(long.prefix(300))")
        var bytes = Data((HostileExport.header + "\n64e355d7-997c-491d-b0c1-8414dccfcf42,09/04/2023,m,c,s,,").utf8)
        let offset = bytes.count
        bytes += Data([0xFF, 0xFE]) + Data(",1,1,USD,rg,1,,Usage\n".utf8)
        try bytes.write(to: URL(fileURLWithPath: dir.path("latin1.csv")))
        let utf8 = try failing(dir.path("latin1.csv"))
        #expect(utf8.contains("offset \(offset)"), "\(utf8)")
        #expect(try ImportCommandTests.dump(db, withoutRuns: true) == before)
    }
}
