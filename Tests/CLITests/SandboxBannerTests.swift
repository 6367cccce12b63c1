import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The banner of `warehouse sandbox` names every API it serves with the credentials it accepts:
/// what it prints for ArcGIS Online is used as printed, and gets a token.
struct SandboxBannerTests {
    @Test func bannerPrintsArcGISOnlineEndpointAndCredentialsThatWork() async throws {
        let process = Process()
        process.executableURL = try CLI.executable
        let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("banner-ca-\(UUID().uuidString).pem").path
        defer { try? FileManager.default.removeItem(atPath: caFile) }
        process.arguments = ["sandbox", "--port", "0", "--seed", "7", "--scale", "5", "--ca-file", caFile]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        var text = ""
        while !text.contains("Stop with Ctrl-C") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let endpoint = try #require(Self.value(after: "ArcGIS Online", in: text), "no ArcGIS Online endpoint in:\n\(text)")
        let username = try #require(Self.value(after: "ArcGIS admin", in: text))
        let password = try #require(Self.value(after: "ArcGIS password", in: text))
        #expect(endpoint.hasPrefix("http://127.0.0.1:") && endpoint.hasSuffix("/sharing/rest"))
        #expect(Self.value(after: "ArcGIS client", in: text) == "sandboxArcGISApp01")
        #expect(text.contains("\(endpoint)/generateToken"), "the curl example uses the endpoint")
        // HTTPS beside it, on another port, with the CA to trust written where --ca-file said.
        let https = try #require(Self.value(after: "and on", in: text), "no HTTPS line in:\n\(text)")
        #expect(https.hasPrefix("https://127.0.0.1:") && https != endpoint)
        #expect(text.contains("export REQUESTS_CA_BUNDLE=\(caFile)"))
        #expect(try String(contentsOfFile: caFile, encoding: .utf8).hasPrefix("-----BEGIN CERTIFICATE-----"))

        var request = URLRequest(url: try #require(URL(string: endpoint + "/generateToken")))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("username=\(username)&password=\(password)&client=referer&referer=http://localhost&f=json".utf8)
        let (data, _) = try await URLSession(configuration: .ephemeral).data(for: request)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(String(decoding: data, as: UTF8.self))")
        #expect(json["token"] is String, "\(json)")
    }

    /// The first word after `label` at the start of a banner line (after its indentation).
    static func value(after label: String, in text: String) -> String? {
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix(label + " ") else { continue }
            return trimmed.dropFirst(label.count).split(separator: " ").first.map(String.init)
        }
        return nil
    }
}
