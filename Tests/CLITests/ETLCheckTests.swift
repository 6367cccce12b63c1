import Foundation
import TestSupport
import Testing

/// `warehouse etl --check` and `warehouse --version`: what an administrator runs after installing.
@Suite struct ETLCheckTests {
    @Test func checkReadsTheConfigurationAndItsSecretsAndTouchesNothing() async throws {
        let h = try await ETLHarness()
        let ok = try CLI.run(["etl", "--check", "--db", h.db, "--config", h.config])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("ok; 2 source(s) would run"), "\(ok.stdout)")
        #expect(!FileManager.default.fileExists(atPath: h.db), "--check creates no warehouse")
        // The secrets file gone: the configuration names a secret nobody provides.
        try FileManager.default.removeItem(atPath: h.secrets)
        let missing = try CLI.run(["etl", "--check", "--db", h.db, "--config", h.config])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("secrets"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: h.db))
    }

    @Test func versionNamesTheReleaseAndTheCommit() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.range(of: #"^\d+\.\d+\.\d+ \(commit ([0-9a-f]{12}|unknown)\)$"#, options: .regularExpression) != nil, "\(line)")
    }
}
