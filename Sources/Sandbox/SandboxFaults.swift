/// The faults the sandbox can inject, chosen per run. Each is modelled on what the real services
/// do (contracts/azure.md §1.4, §2.1, §6).
public struct SandboxFaults: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// 429 with `Retry-After` and Partner Center's / ARM's throttling body.
    public static let throttle = SandboxFaults(rawValue: 1 << 0)
    /// 500 or 503 (503 with an HTTP-date `Retry-After`).
    public static let serverError = SandboxFaults(rawValue: 1 << 1)
    /// 204 (Partner Center) or 202 (Azure Commerce) with `Retry-After`: data not ready yet.
    public static let notReady = SandboxFaults(rawValue: 1 << 2)
    /// Access tokens stop working after a few requests (401 "expired" mid-paging).
    public static let tokenExpiry = SandboxFaults(rawValue: 1 << 3)
    /// A 200 whose body is cut off part-way (as a broken proxy or connection would leave it).
    public static let truncatedBody = SandboxFaults(rawValue: 1 << 4)
    /// A 200 whose body is not JSON at all.
    public static let malformedJSON = SandboxFaults(rawValue: 1 << 5)

    /// A response held back for `SandboxConfiguration.slowDelay` before it is sent (complete).
    public static let slow = SandboxFaults(rawValue: 1 << 6)

    /// A re-pull of a reported window already served in full answers differently: one record
    /// gone, one with another quantity (a restatement of that window). Not part of `all`: it
    /// changes the answers (the other faults only delay or break responses), so a client that
    /// is right still ends up with other totals. Name it explicitly: `all,restated-window`.
    public static let restatedWindow = SandboxFaults(rawValue: 1 << 7)

    public static let all: SandboxFaults = [.throttle, .serverError, .notReady, .tokenExpiry, .truncatedBody, .malformedJSON, .slow]

    public static let names: [(String, SandboxFaults)] = [
        ("throttle", .throttle), ("server-error", .serverError), ("not-ready", .notReady),
        ("token-expiry", .tokenExpiry), ("truncated", .truncatedBody), ("malformed", .malformedJSON), ("slow", .slow),
        ("restated-window", .restatedWindow),
    ]

    /// Parses `throttle,not-ready` or `all` or `none`; nil names the first unknown word.
    public static func parse(_ text: String) -> Result<SandboxFaults, SandboxConfigurationError> {
        var faults: SandboxFaults = []
        for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !word.isEmpty {
            if word == "all" { faults.formUnion(.all); continue }
            if word == "none" { continue }
            guard let match = names.first(where: { $0.0 == word }) else {
                return .failure(SandboxConfigurationError(message: "unknown fault '\(word)' (known: all, none, \(names.map(\.0).joined(separator: ", ")))"))
            }
            faults.formUnion(match.1)
        }
        return .success(faults)
    }

    /// The transient faults a single response can carry (token expiry works on tokens instead).
    static let perResponse: [SandboxFaults] = [.throttle, .serverError, .notReady, .truncatedBody, .malformedJSON, .slow]
}

public struct SandboxConfigurationError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}
