import CCurl
import Foundation
import Logging
import Synchronization

/// An async HTTP client over libcurl: bounded concurrency, connection reuse, gzip, timeouts,
/// proxies, a custom CA bundle, and retries with backoff that honour `Retry-After`.
///
/// Each request runs `curl_easy_perform` on a pooled easy handle on a Dispatch worker thread, so
/// the cooperative pool is never blocked; handles go back to the pool with their connections
/// open, so paging through one host reuses one TCP (and TLS) connection per concurrent stream.
///
/// Secrets: the client logs and reports only `Redaction`-filtered URLs and bodies; it never logs
/// headers.
public final class HTTPClient: Sendable {
    public let configuration: HTTPClientConfiguration
    let logger: Logger
    private let limiter: AsyncLimiter
    private let pool = Mutex<[CurlEasy]>([])
    private let sleep: @Sendable (Duration) async throws -> Void
    private let now: @Sendable () -> Date
    private let inFlight = Mutex<(current: Int, peak: Int)>((0, 0))

    /// `sleep` and `now` are injectable so tests of backoff and Retry-After do not wait for real.
    public init(
        configuration: HTTPClientConfiguration = HTTPClientConfiguration(),
        logger: Logger = Logger(label: "warehouse.http"),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.limiter = AsyncLimiter(limit: configuration.maxConcurrentRequests)
        self.sleep = sleep
        self.now = now
    }

    /// The most requests this client has had on the wire at once.
    public var peakInFlight: Int { inFlight.withLock { $0.peak } }

    /// Sends `request`, retrying transient failures per the policy, and returns a 2xx response
    /// (never a 202/204 "not ready": that is retried and finally thrown as `HTTPError.notReady`).
    /// A non-retryable status (4xx other than 429) throws `HTTPError.status` at once.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await send(request) { response in
            if request.expectsJSON { try HTTPClient.requireJSON(response) }
            return ()
        }.response
    }

    /// As `send`, with `read` run on every 2xx response: when it throws `HTTPError.malformedBody`
    /// (a cut-off or garbled page) the request is retried like a transient failure, so a bad page
    /// is never handed on. Its result comes back with the response (parse once, page on).
    public func send<T: Sendable>(
        _ request: HTTPRequest, reading read: @Sendable (HTTPResponse) throws -> T
    ) async throws -> (response: HTTPResponse, value: T) {
        let policy = configuration.retry
        var waited = Duration.zero
        var attempt = 0
        let url = request.redactedURL
        while true {
            let outcome: Result<HTTPResponse, HTTPError>
            do {
                outcome = .success(try await sendOnce(request))
            } catch let error as HTTPError {
                outcome = .failure(error)
            }
            var retryAfter: Duration?
            let failure: HTTPError
            switch outcome {
            case .success(let response) where (200..<300).contains(response.status) && !response.isNotReady:
                do {
                    return (response, try read(response))
                } catch let error as HTTPError {
                    guard case .malformedBody = error else { throw error }
                    failure = error
                }
            case .success(let response) where response.isNotReady:
                retryAfter = RetryAfter.parse(response.header("Retry-After"), now: now())
                failure = .notReady(
                    status: response.status, url: url, retryAfterSeconds: retryAfter.map { Int($0.components.seconds) })
            case .success(let response) where response.status == 429 || response.status >= 500:
                retryAfter = RetryAfter.parse(response.header("Retry-After"), now: now())
                failure = HTTPError.from(response)
            case .success(let response):
                throw HTTPError.from(response)
            case .failure(let error):
                guard HTTPClient.isTransient(error) else { throw error }
                failure = error
            }
            guard let wait = policy.delay(afterAttempt: attempt, retryAfter: retryAfter, waited: waited) else {
                if case .notReady = failure { throw failure }
                if attempt == 0 { throw failure }  // no retries configured: the failure itself
                throw HTTPError.retriesExhausted(attempts: attempt + 1, url: url, last: failure.description)
            }
            logger.notice(
                "retrying request",
                metadata: ["url": "\(url)", "attempt": "\(attempt + 1)", "wait_ms": "\(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000)", "reason": "\(failure.description)"])
            try await sleep(wait)
            waited += wait
            attempt += 1
        }
    }

    /// One attempt, whatever the status. Throws only for transport failures.
    public func sendOnce(_ request: HTTPRequest) async throws -> HTTPResponse {
        await limiter.acquire()
        defer { limiter.release() }
        inFlight.withLock { $0.current += 1; $0.peak = max($0.peak, $0.current) }
        defer { inFlight.withLock { $0.current -= 1 } }
        let easy = try pool.withLock { $0.popLast() } ?? CurlEasy()
        let configuration = self.configuration
        let result: Result<HTTPResponse, HTTPError> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(returning: HTTPClient.perform(request, on: easy, configuration: configuration))
            }
        }
        pool.withLock { $0.append(easy) }
        switch result {
        case .success(let response):
            logger.debug("response", metadata: ["url": "\(response.url)", "status": "\(response.status)", "bytes": "\(response.body.count)"])
            return response
        case .failure(let error):
            logger.debug("transport failure", metadata: ["error": "\(error.description)"])
            throw error
        }
    }

    /// Throws `malformedBody` unless the body (after an optional UTF-8 BOM) is valid JSON.
    public static func requireJSON(_ response: HTTPResponse) throws {
        _ = try parseJSON(response)
    }

    /// The body as a JSON value (a UTF-8 BOM, as Partner Center sends, is skipped), or
    /// `malformedBody` naming the URL.
    public static func parseJSON(_ response: HTTPResponse) throws -> Any {
        var body = response.body
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        do {
            return try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
        } catch {
            throw HTTPError.malformedBody(url: response.url, reason: "body of \(response.body.count) bytes is not valid JSON (truncated?)")
        }
    }

    /// Connection-level failures worth another try (CURLcode numbers from curl/curl.h).
    static func isTransient(_ error: HTTPError) -> Bool {
        guard case .transport(let code, _, _) = error else { return false }
        // 5 proxy resolve, 6 host resolve, 7 connect, 16 HTTP/2, 18 partial file, 28 timeout,
        // 35 TLS connect, 52 got nothing, 55 send, 56 recv, 61 bad content encoding, 92 HTTP/2 stream.
        return [5, 6, 7, 16, 18, 28, 35, 52, 55, 56, 61, 92].contains(code)
    }
}
