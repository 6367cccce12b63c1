import Config
import Foundation
import Testing

@Suite struct SecretStoreTests {
    func file(_ text: String, mode: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appending(path: "secrets-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]))
        return path
    }

    @Test func aFileOthersCanReadIsRefused() throws {
        let path = try file("PC_SECRET=abcdefgh123\n", mode: 0o644)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: ConfigError.self) { try SecretStore(path: path, configFile: "w.yaml", environment: [:]) }
        #expect(error.message.contains("chmod 600"))
        #expect(!error.description.contains("abcdefgh123"))
    }

    @Test func theEnvironmentComesFirstThenTheFile() throws {
        let path = try file("# comment\nPC_SECRET = \"from-the-file-1\"\nAGOL_PASSWORD=from-the-file-2\n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SecretStore(path: path, configFile: "w.yaml", environment: ["AGOL_PASSWORD": "from-the-environment"])
        #expect(try store.value("PC_SECRET", key: "sources[csp].client_secret_env") == "from-the-file-1")
        #expect(try store.value("AGOL_PASSWORD", key: "sources[agol].password_env") == "from-the-environment")
        let error = try #require(throws: ConfigError.self) { try store.value("MISSING", key: "sources[csp].refresh_token_env") }
        #expect(error.key == "sources[csp].refresh_token_env")
        #expect(error.message.contains("MISSING is not set"))
    }

    @Test func aLineWithoutANameIsNotEchoed() throws {
        let path = try file("just-a-pasted-secret\n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: ConfigError.self) { try SecretStore(path: path, configFile: "w.yaml", environment: [:]) }
        #expect(error.key == "line 1")
        #expect(!error.description.contains("just-a-pasted-secret"))
    }
}
