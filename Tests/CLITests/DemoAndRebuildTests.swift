import Foundation
import Load
import Sandbox
import TestSupport
import Testing

@Suite struct DemoCommandTests {
    @Test func theDemoRunsThePipelineAndItsNextStepsWork() async throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("demo.db")
        let result = try await CLI.runAsync(["demo", "--db", db, "--now", "2026-11-22T03:00:00Z"], environment: ["no_proxy": "127.0.0.1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Invoice for 2026-10, by cost center"))
        #expect(result.stdout.contains("TOTAL USD"))
        #expect(result.stdout.contains("Top credit users, 2026-10"))
        let next = result.stdout.components(separatedBy: "Next, try:\n").last ?? ""
        let commands = next.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("warehouse ") }
        #expect(commands.count == 3)
        for command in commands {
            // Split like a shell would for these simple lines: words, and one double-quoted argument.
            var arguments: [String] = []
            let parts = command.dropFirst("warehouse ".count).components(separatedBy: "\"")
            for (index, part) in parts.enumerated() {
                if index % 2 == 1 { arguments.append(part) } else { arguments += part.split(separator: " ").map(String.init) }
            }
            let step = try await CLI.runAsync(arguments)
            #expect(step.status == 0, "\(command): \(step.stderr)")
            #expect(!step.stdout.isEmpty, "\(command) printed nothing")
        }
        // The sandbox's secrets are in the owner-only secrets file only.
        let secrets = try String(contentsOfFile: dir.path("demo.secrets"), encoding: .utf8)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: dir.path("demo.secrets"))[.posixPermissions] as? NSNumber)
        #expect(mode.intValue == 0o600)
        let values = secrets.split(separator: "\n").compactMap { $0.split(separator: "=", maxSplits: 1).last.map(String.init) }
        #expect(values.count == 2)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: db))
        bytes += (try? Data(contentsOf: URL(fileURLWithPath: db + "-wal"))) ?? Data()
        for value in values {
            #expect(bytes.range(of: Data(value.utf8)) == nil, "a secret is in the warehouse file")
            #expect(!result.stdout.contains(value) && !result.stderr.contains(value))
            #expect(!(try String(contentsOfFile: dir.path("demo.yaml"), encoding: .utf8)).contains(value))
        }
    }
}

@Suite struct RebuildCommandTests {
    @Test func rebuildAppliesNewRulesAndOtherwiseChangesNothing() async throws {
        let h = try await ETLHarness(backfillFrom: "2026-10-25")
        #expect(try await h.etl(now: "2026-11-02T03:00:00Z").status == 0)
        let facts = try ETLHarness.facts(h.db)
        let invoice = try await ETLHarness.invoice(h.db, period: "2026-10")

        let same = try await CLI.runAsync(["rebuild", "--db", h.db, "--config", h.config])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(same.stdout.contains("raw pages read"))
        #expect(try ETLHarness.facts(h.db) == facts)
        #expect(try await ETLHarness.invoice(h.db, period: "2026-10") == invoice)

        // A new credit price and a new default cost center, applied to history.
        var yaml = try String(contentsOfFile: h.config, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "credit_price: \"0.10\"", with: "credit_price: \"0.20\"")
        yaml = yaml.replacingOccurrences(of: "cost_centers:\n", with: "cost_centers:\n  default: Shared services\n")
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: h.config))
        let period = try await CLI.runAsync(["rebuild", "--db", h.db, "--config", h.config, "--period", "2026-10"])
        #expect(period.status == 0, "\(period.stderr)")
        let october = try await ETLHarness.invoice(h.db, period: "2026-10")
        #expect(october != invoice)
        #expect(october.contains("Shared services"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(october.utf8)) as? [String: Any])
        let lines = (json["groups"] as? [[String: Any]] ?? []).flatMap { $0["lines"] as? [[String: Any]] ?? [] }
        let credits = lines.filter { $0["unit"] as? String == "credits" }
        #expect(!credits.isEmpty)
        #expect(credits.allSatisfy { $0["unit_price"] as? String == "0.2" })
        // Only October was rebuilt: November keeps the old price until it is rebuilt too.
        let november = try #require(try JSONSerialization.jsonObject(with: Data(try await ETLHarness.invoice(h.db, period: "2026-11").utf8)) as? [String: Any])
        let novemberCredits = (november["groups"] as? [[String: Any]] ?? []).flatMap { $0["lines"] as? [[String: Any]] ?? [] }
            .filter { $0["unit"] as? String == "credits" }
        #expect(!novemberCredits.isEmpty)
        #expect(novemberCredits.contains { $0["unit_price"] as? String == "0.1" })
        #expect(!novemberCredits.contains { $0["unit_price"] as? String == "0.2" })
        let bad = try await CLI.runAsync(["rebuild", "--db", h.db, "--config", h.config, "--period", "2026-13"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("2026-13"))
    }

    @Test func configurationErrorsExitTwoAndTouchNothing() async throws {
        let h = try await ETLHarness()
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: h.secrets)
        let readable = try await h.etl(now: "2026-11-02T03:00:00Z")
        #expect(readable.status == 2)
        #expect(readable.stderr.contains("chmod 600"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: h.secrets)
        try Data("SANDBOX_CLIENT_SECRET=x-only-one-secret\n".utf8).write(to: URL(fileURLWithPath: h.secrets))
        let missing = try await h.etl(now: "2026-11-02T03:00:00Z")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("SANDBOX_AGOL_PASSWORD is not set"))
        let unknown = try await h.etl(now: "2026-11-02T03:00:00Z", ["--source", "nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no source named 'nope'"))
        #expect(!FileManager.default.fileExists(atPath: h.db))
    }
}
