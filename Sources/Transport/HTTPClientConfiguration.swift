import Foundation

/// How `HTTPClient` talks to the network.
public struct HTTPClientConfiguration: Sendable {
    /// Requests on the wire at once, across all callers of one client.
    public var maxConcurrentRequests: Int
    public var connectTimeout: Duration
    /// The whole request, connect to last byte.
    public var requestTimeout: Duration
    /// `CURLOPT_PROXY`, e.g. `http://proxy.example:3128`. When nil, libcurl reads the standard
    /// `http_proxy`, `https_proxy`, `all_proxy` and `no_proxy` environment variables itself.
    /// https://curl.se/libcurl/c/CURLOPT_PROXY.html
    public var proxy: String?
    /// `CURLOPT_NOPROXY`: hosts that bypass the proxy (comma-separated). Nil leaves `no_proxy` in charge.
    public var noProxy: String?
    /// `CURLOPT_CAINFO`: a PEM bundle of trusted CAs, for TLS-inspecting corporate proxies.
    public var caBundle: String?
    public var userAgent: String
    public var retry: RetryPolicy
    /// A response body larger than this is refused (protects memory from a runaway server).
    public var maxBodyBytes: Int

    public init(
        maxConcurrentRequests: Int = 4, connectTimeout: Duration = .seconds(15), requestTimeout: Duration = .seconds(300),
        proxy: String? = nil, noProxy: String? = nil, caBundle: String? = nil, userAgent: String = "warehouse/0.1",
        retry: RetryPolicy = RetryPolicy(), maxBodyBytes: Int = 512 << 20
    ) {
        self.maxConcurrentRequests = maxConcurrentRequests
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.proxy = proxy
        self.noProxy = noProxy
        self.caBundle = caBundle
        self.userAgent = userAgent
        self.retry = retry
        self.maxBodyBytes = maxBodyBytes
    }
}
