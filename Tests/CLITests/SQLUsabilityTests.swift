import Foundation
import TestSupport
import Testing

/// Issue 17, item 8: `-p n -7`, reading PRAGMAs and a trailing comment; writes still refused.
@Suite struct SQLUsabilityTests {
    @Test func sqlTakesNegativeParametersReadingPragmasAndTrailingComments() throws {
        let dir = try TemporaryDirectory()
        let db = try HostileExport.warehouse(dir)
        let negative = try CLI.run(["sql", "--db", db, "SELECT :n + 0 AS n", "-p", "n", "-7", "--format", "csv"])
        #expect(negative.status == 0, "\(negative.stderr)")
        #expect(negative.stdout == "n\r\n-7\r\n")
        let pragma = try CLI.run(["sql", "--db", db, "PRAGMA journal_mode", "--format", "csv"])
        #expect(pragma.status == 0, "\(pragma.stderr)")
        #expect(pragma.stdout.lowercased().contains("wal"))
        let info = try CLI.run(["sql", "--db", db, "PRAGMA table_info(usage)", "--format", "csv"])
        #expect(info.status == 0, "\(info.stderr)")
        let comment = try CLI.run(["sql", "--db", db, "SELECT 1 AS one; -- note", "--format", "csv"])
        #expect(comment.status == 0, "\(comment.stderr)")
        #expect(comment.stdout == "one\r\n1\r\n")
        for refused in ["PRAGMA journal_mode = DELETE", "PRAGMA journal_mode(DELETE)", "PRAGMA user_version=5", "SELECT 1; SELECT 2", "SELECT 1; -- a\nDELETE FROM usage"] {
            let result = try CLI.run(["sql", "--db", db, refused])
            #expect(result.status == 1, "\(refused): \(result.stdout)")
        }
    }
}
