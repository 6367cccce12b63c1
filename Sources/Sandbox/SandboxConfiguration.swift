import Foundation

/// Everything that shapes one sandbox run.
public struct SandboxConfiguration: Sendable {
    /// 0 asks the system for a free port (tests); the bound port is `SandboxServer.port`.
    public var port: Int
    public var seed: UInt64
    public var customers: Int
    public var usageSubscriptionsPerCustomer: Int
    public var directSubscriptions: Int
    /// Usage records reported per Azure subscription per day.
    public var recordsPerDay: Int
    public var faults: SandboxFaults
    /// Share of requests (per mille) that get a fault on their first try, and again on their
    /// second; the third try of a request is always clean, so a client that retries gets through.
    public var faultPermille: Int
    /// The first this-many usage-data requests (utilization, UsageAggregates) are all answered
    /// 429 (a throttling storm).
    public var throttleStorm: Int
    /// Added before every API response (not the token endpoint).
    public var latency: Duration
    /// With `.slow`, how long a slow response is held back.
    public var slowDelay: Duration
    /// With `.tokenExpiry`, how many API requests an access token serves before it "expires".
    public var tokenUses: Int
    /// Access-token lifetime announced in `expires_in`.
    public var tokenLifetime: Int
    /// Credentials the token endpoint accepts (sandbox-only values, safe to print).
    public var tenant: String
    public var clientID: String
    public var clientSecret: String
    public var refreshToken: String
    /// Incidents to plant in the usage (issue 18; `Incidents.swift`); nil: none.
    public var incidents: SandboxIncidents?

    public init(
        port: Int = 0, seed: UInt64 = 42, customers: Int = 3, usageSubscriptionsPerCustomer: Int = 2, directSubscriptions: Int = 2,
        recordsPerDay: Int = 40, faults: SandboxFaults = [], faultPermille: Int = 300, throttleStorm: Int = 0,
        latency: Duration = .zero, slowDelay: Duration = .milliseconds(1500), tokenUses: Int = 3, tokenLifetime: Int = 3599,
        tenant: String = "sandbox.onmicrosoft.com", clientID: String = "00000000-5a4d-4b0c-8000-000000000001",
        clientSecret: String = "sandbox-client-secret-0001", refreshToken: String = "sandbox-refresh-token-0001"
    ) {
        self.port = port
        self.seed = seed
        self.customers = customers
        self.usageSubscriptionsPerCustomer = usageSubscriptionsPerCustomer
        self.directSubscriptions = directSubscriptions
        self.recordsPerDay = recordsPerDay
        self.faults = faults
        self.faultPermille = faultPermille
        self.throttleStorm = throttleStorm
        self.latency = latency
        self.slowDelay = slowDelay
        self.tokenUses = max(2, tokenUses)
        self.tokenLifetime = tokenLifetime
        self.tenant = tenant
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
    }

    /// Named sizes for `--scale`: records per subscription per day.
    public static func recordsPerDay(scale: String) -> Int? {
        switch scale.lowercased() {
        case "small": return 20
        case "medium": return 1_000
        case "large": return 50_000
        default: return Int(scale).flatMap { $0 > 0 ? $0 : nil }
        }
    }

    public func makeOrganization() -> SyntheticOrganization {
        var organization = SyntheticOrganization(
            seed: seed, customers: customers, usageSubscriptionsPerCustomer: usageSubscriptionsPerCustomer,
            directSubscriptions: directSubscriptions, recordsPerDay: recordsPerDay)
        organization.incidents = incidents
        return organization
    }
}
