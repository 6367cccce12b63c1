import Foundation

/// The token cache shared by the token providers (Azure AD, ArcGIS Online): one token at a
/// time, replaced `refreshMargin` seconds before it expires or when a caller reports it
/// rejected, and one fetch in flight however many tasks ask at once.
actor TokenCache {
    private let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    private var cached: (token: String, expires: Date)?
    private var pending: Task<(String, Date), any Error>?

    init(refreshMargin: TimeInterval, now: @escaping @Sendable () -> Date) {
        self.refreshMargin = refreshMargin
        self.now = now
    }

    /// The cached token while it has more than `refreshMargin` seconds left, else `fetch`'s.
    func token(_ fetch: @escaping @Sendable () async throws -> (String, Date)) async throws -> String {
        if let cached, cached.expires.timeIntervalSince(now()) > refreshMargin { return cached.token }
        if let pending { return try await pending.value.0 }
        let task = Task { try await fetch() }
        pending = task
        defer { pending = nil }
        let (token, expires) = try await task.value
        cached = (token, expires)
        return token
    }

    /// Forgets `token` if it is the cached one, so the next call fetches anew. False when
    /// another task has already replaced it (nothing to forget).
    func invalidate(_ token: String) -> Bool {
        guard cached?.token == token || (cached == nil && pending == nil) else { return false }
        cached = nil
        return true
    }
}
