import Foundation
import Load
import TestSupport
import Testing

/// `warehouse sandbox generate` then `warehouse import` of what it wrote, on the built binary:
/// every generated record becomes one usage row with one charge, and a second import changes
/// nothing (issue 9).
struct SandboxGenerateCommandTests {
    @Test func generatedPagesImportWholeAndTwiceWithoutChanges() throws {
        let dir = try TemporaryDirectory()
        let pages = dir.path("pages"), db = dir.path("w.db")
        let generated = try CLI.run(["sandbox", "generate", "--pages", "3", "--out", pages, "--seed", "5", "--customers", "2"])
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stdout.hasPrefix("wrote 3 pages, 3000 records"))
        // The seed is the sandbox's --seed: another seed, other bytes; the same seed, the same.
        for (seed, same) in [("5", true), ("6", false)] {
            let other = dir.path("other-\(seed)")
            #expect(try CLI.run(["sandbox", "generate", "--pages", "1", "--out", other, "--seed", seed, "--customers", "2"]).status == 0)
            let a = try Data(contentsOf: URL(fileURLWithPath: pages + "/utilization-00001.json"))
            #expect((try Data(contentsOf: URL(fileURLWithPath: other + "/utilization-00001.json")) == a) == same)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: pages).sorted().map { pages + "/" + $0 }
        #expect(files.count == 3)
        let first = try CLI.run(["import", "--db", db, "--kind", "pc-utilization"] + files)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.split(separator: "\n").count == 3)
        let before = try ImportCommandTests.dump(db, withoutRuns: true)
        let second = try CLI.run(["import", "--db", db, "--kind", "pc-utilization"] + files)
        #expect(second.status == 0, "\(second.stderr)")
        let lines = second.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        // Each file's bytes are its window's current answer already: skipped before decoding.
        #expect(lines.allSatisfy { $0.hasSuffix("already loaded, the current answer of its reported window; skipped") })
        #expect(try ImportCommandTests.dump(db, withoutRuns: true) == before)
        let reader = try Database(path: db, mode: .readOnly)
        #expect(try reader.scalar("SELECT count(*) FROM usage")?.int64 == 3000)
        #expect(try reader.scalar("SELECT count(*) FROM charges")?.int64 == 3000)
    }

    @Test(arguments: [["--pages", "0", "--out", "/nonexistent/x"], ["--pages", "2"], ["--pages", "1", "--out", "/nonexistent/x", "--customers", "0"]])
    func badOptionsAreUsageErrors(_ arguments: [String]) throws {
        let result = try CLI.run(["sandbox", "generate"] + arguments)
        #expect(result.status == 64)
        #expect(!result.stderr.isEmpty)
    }
}
