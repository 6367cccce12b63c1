import Foundation

/// A response as received: status, headers (names lower-cased), and the body already decompressed.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data
    /// The request's URL with secrets redacted (for logs, errors and `raw_pages.request`).
    public var url: String
    /// New connections libcurl opened for this request (0 when it reused a pooled connection).
    public var newConnections: Int

    public init(status: Int, headers: [String: String], body: Data, url: String, newConnections: Int = 0) {
        self.newConnections = newConnections
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// 204 (Partner Center) and 202 (Azure Commerce) mean "the data is not ready yet, come back
    /// later", never "there is nothing".
    public var isNotReady: Bool { status == 204 || status == 202 }
}
