import ArgumentParser
import Dispatch
import Foundation
import Logging
import Sandbox

/// `warehouse sandbox`: serves the loopback emulator of Azure AD, Partner Center, Azure
/// Commerce and ArcGIS Online until interrupted, for trying the tool and for users' own scripts.
/// The banner prints every endpoint with the credentials it accepts (all sandbox-only values), so
/// a user can point a configuration or curl at any of them without reading the source.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox", abstract: "Serve the loopback emulator of the ArcGIS Online, Partner Center and Azure APIs.",
        discussion: """
            Binds 127.0.0.1 only. The data is synthetic and the same for the same --seed. Stop with Ctrl-C \
            (SIGINT) or SIGTERM; the exit code is then 0.
            Faults: \(SandboxFaults.names.map(\.0).joined(separator: ", ")), all, none.
            """,
        subcommands: [SandboxGenerateCommand.self])

    @Option(help: "Port on 127.0.0.1 (0 picks a free one).")
    var port: Int = 8765

    @Option(help: "Seed of the synthetic organization.")
    var seed: UInt64 = 42

    @Option(help: "Records per subscription per day: small (20), medium (1000), large (50000) or a number.")
    var scale: String = "small"

    @Option(help: "Number of CSP customers, each with two Azure subscriptions and one license subscription (default 3; for `generate`, one per 20 pages).")
    var customers: Int?

    @Option(help: "Faults to inject, comma-separated (e.g. throttle,not-ready), or all; restated-window (a re-pulled reported window answers differently) changes the answers, so all leaves it out.")
    var faults: String = "none"

    @Option(help: "Share of requests that get a fault on a try, in percent.")
    var faultRate: Int = 30

    @Option(help: "Latency added to every API response, in milliseconds.")
    var latency: Int = 0

    @Option(help: IncidentsOption.help)
    var incidents: String?

    @Option(help: "HTTPS port on 127.0.0.1, beside the plain HTTP one (default: --port + 1, or a free one with --port 0).")
    var tlsPort: Int?

    @Flag(help: "Serve plain HTTP only.")
    var noTLS = false

    @Option(help: "PEM certificate chain (server certificate first) to serve HTTPS with; default: a new self-signed CA and certificate.")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(help: "Where to write the CA certificate clients must trust (default: in the temporary directory, named in the banner).")
    var caFile: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535, not \(port)") }
        guard SandboxConfiguration.recordsPerDay(scale: scale) != nil else {
            throw ValidationError("--scale must be small, medium, large or a positive number, not '\(scale)'")
        }
        if case .failure(let error) = SandboxFaults.parse(faults) { throw ValidationError("--faults: \(error)") }
        guard (0...100).contains(faultRate) else { throw ValidationError("--fault-rate must be 0...100") }
        guard latency >= 0 else { throw ValidationError("--latency must not be negative") }
        if let customers, !(0...1000).contains(customers) { throw ValidationError("--customers must be 0...1000") }
        _ = try IncidentsOption.parse(incidents, now: .now())
        if let tlsPort, !(0...65535).contains(tlsPort) { throw ValidationError("--tls-port must be 0...65535, not \(tlsPort)") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
    }

    func run() async throws {
        try await reportingErrors {
            var configuration = SandboxConfiguration(
                port: port, seed: seed, customers: customers ?? 3,
                recordsPerDay: SandboxConfiguration.recordsPerDay(scale: scale) ?? 20,
                faults: (try? SandboxFaults.parse(faults).get()) ?? [], faultPermille: faultRate * 10,
                latency: .milliseconds(latency))
            configuration.incidents = try IncidentsOption.parse(incidents, now: .now())
            // Install the signal handlers before listening, so an early Ctrl-C is not lost.
            let stop = SignalWaiter(signals: [SIGINT, SIGTERM])
            let tls = noTLS ? nil : try SandboxTLSFiles.identity(certificate: tlsCert, key: tlsKey)
            let server = try await SandboxServer.start(configuration, tls: tls, tlsPort: tlsPort ?? (port == 0 ? 0 : min(port + 1, 65535)))
            let caPath = try tls.map { try SandboxTLSFiles.writeTrust($0, to: caFile, port: server.tlsPort ?? 0) }
            printOut(Self.banner(server, caFile: caPath) + IncidentsOption.describe(server))
            let signal = await stop.wait()
            printError("stopping the sandbox (\(signal == SIGINT ? "SIGINT" : "SIGTERM"))")
            await server.stop()
        }
    }

    static func banner(_ server: SandboxServer, caFile: String? = nil) -> String {
        let c = server.configuration
        let base = server.baseURL
        var text = """
            warehouse sandbox listening on \(base)\(SandboxTLSFiles.bannerLines(server, caFile: caFile))
              seed \(c.seed), \(c.recordsPerDay) records per Azure subscription per day, faults: \(faultNames(c.faults))

            Endpoints
              Azure AD token   POST \(base)/\(c.tenant)/oauth2/token   (client_credentials or refresh_token)
              Partner Center   \(server.partnerCenterURL)/customers, …/subscriptions, …/utilizations/azure, /v1/ratecards/azure
              Azure Commerce   \(base)/subscriptions/{id}/providers/Microsoft.Commerce/UsageAggregates | RateCard
              ArcGIS Online    \(base)/sharing/rest   (POST generateToken, portals/self, portals/self/users|usage, search)

            Sandbox credentials (sandbox-only values)
              tenant          \(c.tenant)
              client id       \(c.clientID)
              client secret   \(c.clientSecret)
              refresh token   \(c.refreshToken)
              ArcGIS admin    \(ArcGISOrganization.adminUsername)
              ArcGIS password \(ArcGISOrganization.adminPassword)
              ArcGIS client   \(ArcGISOrganization.clientID)   (oauth2/token, grant_type=refresh_token, the refresh token above)

            CSP customers and Azure subscriptions

            """
        for customer in server.organization.customers {
            let subs = customer.subscriptions.filter { $0.billingType == "usage" }.map(\.id).joined(separator: ", ")
            text += "  \(customer.id)  \(customer.companyName): \(subs)\n"
        }
        text += "Direct subscriptions (Azure Commerce)\n"
        for sub in server.organization.directSubscriptions { text += "  \(sub.id)\n" }
        let first = server.organization.usageSubscriptions.first
        text += """

            Try
              curl -s -X POST \(base)/\(c.tenant)/oauth2/token -d grant_type=client_credentials \\
                -d client_id=\(c.clientID) -d client_secret=\(c.clientSecret) \\
                --data-urlencode resource=https://api.partnercenter.microsoft.com
              curl -s -X POST \(base)/sharing/rest/generateToken -d f=json -d client=referer -d referer=\(base) \\
                -d username=\(ArcGISOrganization.adminUsername) -d password=\(ArcGISOrganization.adminPassword)

            """
        if let (customer, sub) = first {
            text += """
                  curl -s --compressed -H "Authorization: Bearer $TOKEN" \\
                    '\(server.partnerCenterURL)/customers/\(customer.id)/subscriptions/\(sub.id)/utilizations/azure?start_time=2026-03-01T00:00:00Z&end_time=2026-03-02T00:00:00Z&size=1000'

                """
        }
        text += "Stop with Ctrl-C.\n"
        return text
    }

    static func faultNames(_ faults: SandboxFaults) -> String {
        let names = SandboxFaults.names.filter { faults.contains($0.1) }.map(\.0)
        return names.isEmpty ? "none" : names.joined(separator: ", ")
    }
}

/// Waits for the first of some signals, delivered through Dispatch (the default action is
/// disabled so the process is not killed before it can stop the server cleanly).
final class SignalWaiter {
    private let stream: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32]) {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        self.stream = stream
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    func wait() async -> Int32 {
        for await number in stream { return number }
        return 0
    }
}
