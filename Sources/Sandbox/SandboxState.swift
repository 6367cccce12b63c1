import Foundation
import Synchronization
import WarehouseCore

/// What the sandbox knows while it runs: its organization, the tokens it issued, how often it
/// has seen each request (for fault decisions), and counters tests can read.
public final class SandboxState: Sendable {
    public let configuration: SandboxConfiguration
    public let organization: SyntheticOrganization

    struct Token {
        let audience: String
        let expiresAt: Date
        var usesLeft: Int
        /// With `.tokenExpiry`: when the token ran out of uses, and is expired from then on.
        var expiredAt: Date?
    }

    struct Counters {
        var requests = 0
        var apiRequests = 0
        var current = 0
        var peak = 0
        var faults: [String: Int] = [:]
        var rejectedContinuations = 0
        var attempts: [UInt64: Int] = [:]
        var tokens: [String: Token] = [:]
        var issued: UInt64 = 0
        var gzipped = 0
    }

    private let counters = Mutex(Counters())
    /// ArcGIS Online credit budgets changed by `assignUserCredits`, by username; a user not here
    /// has the budget the seed generated (see `SandboxState+ArcGIS.swift`).
    let arcgisBudgets = Mutex<[String: ArcGISBudget]>([:])
    /// Notifications `createNotification` accepted, in order (the sandbox's outbox).
    let arcgisOutbox = Mutex<[ArcGISNotification]>([])
    /// Reported days (`subscription|seconds`) whose whole answer has been served: with the
    /// `restated-window` fault, they are answered restated from then on.
    let servedDays = Mutex<Set<String>>([])

    init(configuration: SandboxConfiguration) {
        self.configuration = configuration
        self.organization = configuration.makeOrganization()
    }

    /// The most requests the sandbox has been serving at once.
    public var peakConcurrentRequests: Int { counters.withLock { $0.peak } }
    public var requestCount: Int { counters.withLock { $0.requests } }
    /// Faults injected so far, by kind (`throttle`, `token-expiry`, ...).
    public var injectedFaults: [String: Int] { counters.withLock { $0.faults } }
    /// Continuation tokens refused because they were not sent back byte for byte.
    public var rejectedContinuations: Int { counters.withLock { $0.rejectedContinuations } }

    /// Every access token issued so far (tests search stored data and logs for them).
    public var issuedTokens: [String] { counters.withLock { Array($0.tokens.keys) } }

    /// Responses sent gzip-compressed (the client asked with `Accept-Encoding`).
    public var gzippedResponses: Int { counters.withLock { $0.gzipped } }
    func countGzipped() { counters.withLock { $0.gzipped += 1 } }

    func enter() { counters.withLock { $0.requests += 1; $0.current += 1; $0.peak = max($0.peak, $0.current) } }
    func leave() { counters.withLock { $0.current -= 1 } }

    func count(fault name: String) { counters.withLock { $0.faults[name, default: 0] += 1 } }
    func countRejectedContinuation() { counters.withLock { $0.rejectedContinuations += 1 } }

    // MARK: Tokens

    /// Issues an access token for `audience`, deterministic by seed and issue order.
    /// `lifetime` (seconds): what the client asked for (generateToken's `expiration`), capped at
    /// the configured `tokenLifetime`, the org's maximum.
    func issueToken(audience: String, lifetime: Int? = nil) -> (token: String, expiresAt: Date) {
        counters.withLock { c in
            c.issued += 1
            var rng = SplitMix64(seed: configuration.seed, 9, c.issued)
            let token = "sbx.\(String(rng.next(), radix: 36)).\(String(rng.next(), radix: 36)).\(c.issued)"
            let expires = Date().addingTimeInterval(TimeInterval(min(lifetime ?? configuration.tokenLifetime, configuration.tokenLifetime)))
            c.tokens[token] = Token(audience: audience, expiresAt: expires, usesLeft: configuration.tokenUses)
            return (token, expires)
        }
    }

    enum TokenCheck { case ok, missing, invalid, expired(Date) }

    /// Checks a bearer token for `audience`, spending one use when `.tokenExpiry` is injected.
    func check(token: String?, audience: String) -> TokenCheck {
        guard let token else { return .missing }
        return counters.withLock { c in
            guard var entry = c.tokens[token], entry.audience == audience else { return .invalid }
            if entry.expiresAt < Date() { return .expired(entry.expiresAt) }
            if configuration.faults.contains(.tokenExpiry) {
                if entry.usesLeft <= 0 {
                    // It expires now, and says so: the expiry the 401 names is before the current time.
                    let expiredAt = entry.expiredAt ?? Date().addingTimeInterval(-1)
                    entry.expiredAt = expiredAt
                    c.tokens[token] = entry
                    c.faults["token-expiry", default: 0] += 1
                    return .expired(expiredAt)
                }
                entry.usesLeft -= 1
                c.tokens[token] = entry
            }
            return .ok
        }
    }

    // MARK: Faults

    /// The fault to inject into this response, if any. `key` identifies the request (path,
    /// query, continuation); the first two tries of a key may fail, the third never does.
    func fault(for key: String, allowed: SandboxFaults) -> SandboxFaults? {
        counters.withLock { c -> SandboxFaults? in
            // The storm falls on usage-data requests (the ones clients run in parallel).
            if allowed.contains(.notReady) { c.apiRequests += 1 }
            if allowed.contains(.notReady), c.apiRequests <= configuration.throttleStorm {
                c.faults["throttle", default: 0] += 1
                return .throttle
            }
            let kinds = SandboxFaults.perResponse.filter { configuration.faults.contains($0) && allowed.contains($0) }
            guard !kinds.isEmpty else { return nil }
            let h = FNV1a.hash(key)
            let attempt = c.attempts[h, default: 0]
            c.attempts[h] = attempt + 1
            guard attempt < 2 else { return nil }
            var rng = SplitMix64(seed: configuration.seed, 3, h, UInt64(attempt))
            guard rng.chance(configuration.faultPermille) else { return nil }
            let kind = rng.pick(kinds)
            let name = SandboxFaults.names.first { $0.1 == kind }?.0 ?? "fault"
            c.faults[name, default: 0] += 1
            return kind
        }
    }

    /// A MAC over a continuation token's fields, so a modified token is refused.
    func mac(_ text: String) -> String {
        String(FNV1a.hash("\(configuration.seed)|\(text)"), radix: 36)
    }
}
