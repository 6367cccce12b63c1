import Foundation
import Load
import TestSupport
import Testing

@Suite struct InitCommandTests {
    @Test func initTwiceIsANoOp() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("w.db")
        let first = try CLI.run(["init", "--db", db])
        let second = try CLI.run(["init", "--db", db])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("schema version \(Migrations.latestVersion)"))
        let reader = try Database(path: db, mode: .readOnly)
        #expect(try reader.integrityCheck() == ["ok"])
        #expect(try reader.scalar("SELECT count(*) FROM schema_version")?.int64 == Int64(Migrations.all.count))
        let permissions = try #require(try FileManager.default.attributesOfItem(atPath: db)[.posixPermissions] as? NSNumber)
        #expect(permissions.intValue == 0o600)
    }

    @Test func databaseComesFromEnvironmentThenDefault() throws {
        let dir = try TemporaryDirectory()
        let fromEnv = try CLI.run(["init"], environment: ["WAREHOUSE_DB": dir.path("env.db")])
        #expect(fromEnv.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.path("env.db")))
        let fromDefault = try CLI.run(["init"], directory: dir.url)
        #expect(fromDefault.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.path("warehouse.db")))
    }

    @Test func helpListsEveryCommand() throws {
        let help = try CLI.run(["--help"])
        #expect(help.status == 0)
        for command in ["init", "import", "etl", "invoice", "sql", "status", "alerts", "demo", "sandbox"] {
            #expect(help.stdout.contains("  \(command)"), "help lacks \(command)")
        }
    }
}

@Suite struct SQLCommandTests {
    /// A migrated warehouse in a temporary directory that lives as long as the returned value.
    final class Fresh {
        let directory: TemporaryDirectory
        let db: String
        init() throws {
            directory = try TemporaryDirectory()
            db = directory.path("w.db")
            #expect(try CLI.run(["init", "--db", db]).status == 0)
        }
    }

    @Test func insertWithoutWriteIsRefusedAndChangesNothing() throws {
        let fresh = try Fresh(); let db = fresh.db; defer { withExtendedLifetime(fresh) {} }
        let result = try CLI.run(["sql", "--db", db, "INSERT INTO cost_centers VALUES ('ops', 'Ops')"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("--write"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        let count = try CLI.run(["sql", "--db", db, "--format", "csv", "SELECT count(*) AS n FROM cost_centers"])
        #expect(count.stdout == "n\r\n0\r\n")
    }

    @Test func insertWithWriteWorks() throws {
        let fresh = try Fresh(); let db = fresh.db; defer { withExtendedLifetime(fresh) {} }
        let result = try CLI.run(["sql", "--db", db, "--write", "INSERT INTO cost_centers VALUES (:k, :d)", "-p", "k", "ops", "-p", "d", "Ops"])
        #expect(result.status == 0, "\(result.stderr)")
        let read = try CLI.run(["sql", "--db", db, "--format", "json", "SELECT * FROM cost_centers"])
        #expect(read.stdout == "[\n  {\"cost_center_key\": \"ops\", \"display_name\": \"Ops\"}\n]\n")
    }

    @Test func parametersAreBoundNeverPasted() throws {
        let fresh = try Fresh(); let db = fresh.db; defer { withExtendedLifetime(fresh) {} }
        let hostile = "x'); DROP TABLE usage; --"
        let result = try CLI.run(["sql", "--db", db, "--format", "jsonl", "SELECT :v AS v", "-p", "v", hostile])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "{\"v\": \"x'); DROP TABLE usage; --\"}\n")
        // Even with --write, the value stays a value.
        let written = try CLI.run(["sql", "--db", db, "--write", "INSERT INTO cost_centers VALUES ('k', :v)", "-p", "v", hostile])
        #expect(written.status == 0)
        let tables = try CLI.run(["sql", "--db", db, "--format", "csv", "SELECT count(*) AS n FROM sqlite_master WHERE name = 'usage'"])
        #expect(tables.stdout == "n\r\n1\r\n")
    }

    @Test func parametersBeforeTheSQLWork() throws {
        let fresh = try Fresh(); let db = fresh.db; defer { withExtendedLifetime(fresh) {} }
        let result = try CLI.run(["sql", "--db", db, "--format", "csv", "-p", "n", "3", "SELECT :n + 1 AS four"])
        #expect(result.stdout == "four\r\n4\r\n")
    }

    @Test func sqlFromStandardInput() throws {
        let fresh = try Fresh(); let db = fresh.db; defer { withExtendedLifetime(fresh) {} }
        let result = try CLI.run(["sql", "--db", db, "--format", "tsv", "-"], stdin: "SELECT 'a' AS x, 2 AS y\n")
        #expect(result.stdout == "x\ty\na\t2\n")
    }

    @Test func sqlErrorIsOneLineAndExitOne() throws {
        let fresh = try Fresh(); let db = fresh.db; defer { withExtendedLifetime(fresh) {} }
        let result = try CLI.run(["sql", "--db", db, "SELECT * FROM no_such_table"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("warehouse: "))
        #expect(result.stderr.contains("no_such_table"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stdout.isEmpty)
    }

    @Test func missingParameterIsNamed() throws {
        let fresh = try Fresh(); let db = fresh.db; defer { withExtendedLifetime(fresh) {} }
        let result = try CLI.run(["sql", "--db", db, "SELECT :period"])
        #expect(result.status == 1)
        #expect(result.stderr.contains(":period"))
    }

    @Test func readingAMissingWarehouseDoesNotCreateIt() throws {
        let dir = try TemporaryDirectory()
        let result = try CLI.run(["sql", "--db", dir.path("none.db"), "SELECT 1"])
        #expect(result.status == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.path("none.db")))
    }

    @Test(arguments: [
        ("csv", "a,b\r\n1,\"x,y\"\r\n"),
        ("json", "[\n  {\"a\": 1, \"b\": \"x,y\"}\n]\n"),
        ("table", "a  b\n-  ---\n1  x,y\n"),
    ])
    func formats(format: String, expected: String) throws {
        let fresh = try Fresh(); let db = fresh.db; defer { withExtendedLifetime(fresh) {} }
        let result = try CLI.run(["sql", "--db", db, "--format", format, "SELECT 1 AS a, 'x,y' AS b"])
        #expect(result.stdout == expected)
    }

    @Test func defaultFormatWhenPipedIsJSON() throws {
        let fresh = try Fresh(); let db = fresh.db; defer { withExtendedLifetime(fresh) {} }
        let result = try CLI.run(["sql", "--db", db, "SELECT 1 AS a"])
        #expect(result.stdout == "[\n  {\"a\": 1}\n]\n")
    }
}

@Suite struct StatusCommandTests {
    @Test func statusShowsVersionAndCounts() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("w.db")
        #expect(try CLI.run(["init", "--db", db]).status == 0)
        let result = try CLI.run(["status", "--db", db, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["schema_version"] as? Int == Migrations.latestVersion)
        let rows = try #require(json["rows"] as? [String: Int])
        #expect(rows["usage"] == 0)
        #expect(rows["charges"] == 0)
    }

    @Test func statusOnMissingFileFails() throws {
        let dir = try TemporaryDirectory()
        let result = try CLI.run(["status", "--db", dir.path("missing.db")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("warehouse init"))
    }
}
