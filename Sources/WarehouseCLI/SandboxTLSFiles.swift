import ArgumentParser
import Foundation
import Sandbox

/// The HTTPS side of `warehouse sandbox`: the certificate it serves (given or generated) and the
/// CA file a client trusts, e.g. `REQUESTS_CA_BUNDLE=FILE` for Esri's `arcgis` and Microsoft's
/// `azure-mgmt-*` (both send their requests through `requests`), `curl --cacert FILE`, or
/// `ca_bundle: FILE` in warehouse.yaml.
enum SandboxTLSFiles {
    static func identity(certificate: String?, key: String?) throws -> SandboxTLS {
        if let certificate, let key { return try SandboxTLS.load(certificateFile: certificate, keyFile: key) }
        return try SandboxTLS.generate()
    }

    /// Writes the certificate to trust (0644: it is public) and returns its path.
    static func writeTrust(_ tls: SandboxTLS, to path: String?, port: Int) throws -> String {
        let target = path ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("warehouse-sandbox-ca-\(port).pem")
        guard FileManager.default.createFile(atPath: target, contents: Data(tls.trustPEM.utf8), attributes: [.posixPermissions: 0o644]) else {
            throw ValidationError("cannot write the sandbox's CA certificate to \(target)")
        }
        return target
    }

    static func bannerLines(_ server: SandboxServer, caFile: String?) -> String {
        guard let https = server.httpsBaseURL else { return "" }
        var text = "\n  and on \(https) (HTTPS"
        if let caFile { text += "; trust \(caFile): export REQUESTS_CA_BUNDLE=\(caFile)" }
        return text + ")"
    }
}
