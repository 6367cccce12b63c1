import Foundation
import TestSupport
import Testing

/// Issue 17, item 6: Markdown escapes HTML; table, Markdown and `sql` output drop control characters.
@Suite struct TerminalOutputTests {
    @Test func markdownEscapesHTMLAndTablesDropEscapes() throws {
        let dir = try TemporaryDirectory()
        let db = try HostileExport.warehouse(dir)
        let markdown = try CLI.run(["invoice", "--db", db, "--period", "2023-09", "--group", "meter", "--format", "markdown"])
        #expect(markdown.status == 0)
        #expect(markdown.stdout.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(!markdown.stdout.contains("<img"))
        let report = try CLI.run(["report", "trend", "--db", db, "--period", "2023-09", "--group", "meter", "--format", "markdown"])
        #expect(!report.stdout.contains("<img"), "\(report.stdout)")
        for format in ["table", "markdown"] {
            let out = try CLI.run(["invoice", "--db", db, "--period", "2023-09", "--group", "meter", "--format", format])
            #expect(!out.stdout.contains("\u{1B}"), "\(format)")
            #expect(out.stdout.contains("red [31mALERT[0m"), "\(format): the text stays, the escape goes")
        }
        let sql = try CLI.run(["sql", "--db", db, "SELECT name FROM meters ORDER BY 1", "--format", "table"])
        #expect(sql.status == 0, "\(sql.stderr)")
        #expect(!sql.stdout.contains("\u{1B}") && sql.stdout.contains("ALERT"))
    }
}
