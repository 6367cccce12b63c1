import Crypto
import Foundation
import HummingbirdTLS
import SwiftASN1
import X509

/// The sandbox's HTTPS identity: the server's certificate chain and key, and the CA a client must
/// trust to accept it (`REQUESTS_CA_BUNDLE`, `SSL_CERT_FILE`, curl's `--cacert`, the warehouse's
/// `ca_bundle`).
///
/// `generate()` makes, at start-up, a CA of its own (P-256, valid 30 days, never written anywhere
/// but where the caller puts its certificate) and a server certificate it signs for `localhost`
/// and `127.0.0.1`, with the extensions strict verifiers insist on (key usage, extended key usage
/// `serverAuth`, subject and authority key identifiers). `load` takes PEM files instead
/// (`--tls-cert`, `--tls-key`); the chain's last certificate is then what clients must trust.
public struct SandboxTLS: Sendable {
    /// PEM certificates, the server's first.
    public let certificateChainPEM: String
    public let privateKeyPEM: String
    /// PEM of the certificate clients should trust.
    public let trustPEM: String

    public init(certificateChainPEM: String, privateKeyPEM: String, trustPEM: String) {
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
        self.trustPEM = trustPEM
    }

    /// A new CA and a server certificate it signed, for `localhost` and `127.0.0.1`.
    public static func generate(now: Date = Date()) throws -> SandboxTLS {
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName {
            OrganizationName("warehouse sandbox")
            CommonName("warehouse sandbox CA")
        }
        let caPublic = Certificate.PublicKey(caKey.publicKey)
        let caIdentifier = SubjectKeyIdentifier(hash: caPublic)
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: caPublic,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(30 * 86_400),
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                caIdentifier
            },
            issuerPrivateKey: Certificate.PrivateKey(caKey))
        let serverKey = P256.Signing.PrivateKey()
        let serverPublic = Certificate.PublicKey(serverKey.publicKey)
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: serverPublic,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(30 * 86_400),
            issuer: caName, subject: try DistinguishedName { CommonName("localhost") }, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
                SubjectKeyIdentifier(hash: serverPublic)
                AuthorityKeyIdentifier(keyIdentifier: caIdentifier.keyIdentifier)
            },
            issuerPrivateKey: Certificate.PrivateKey(caKey))
        let caPEM = try ca.serializeAsPEM().pemString
        return SandboxTLS(
            certificateChainPEM: try server.serializeAsPEM().pemString + "\n" + caPEM + "\n",
            privateKeyPEM: serverKey.pemRepresentation + "\n", trustPEM: caPEM + "\n")
    }

    /// The certificate chain and key from PEM files (`--tls-cert`, `--tls-key`).
    public static func load(certificateFile: String, keyFile: String) throws -> SandboxTLS {
        func read(_ path: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SandboxConfigurationError(message: "cannot read \(path)")
            }
            return String(decoding: data, as: UTF8.self)
        }
        let chain = try read(certificateFile)
        let certificates = try NIOSSLCertificate.fromPEMBytes(Array(chain.utf8))
        guard !certificates.isEmpty else { throw SandboxConfigurationError(message: "\(certificateFile) holds no PEM certificate") }
        let last = chain.range(of: "-----BEGIN CERTIFICATE-----", options: .backwards).map { String(chain[$0.lowerBound...]) } ?? chain
        return SandboxTLS(certificateChainPEM: chain, privateKeyPEM: try read(keyFile), trustPEM: last)
    }

    /// What the HTTPS listener serves.
    func serverConfiguration() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificateChainPEM.utf8))
        let key = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }
}
