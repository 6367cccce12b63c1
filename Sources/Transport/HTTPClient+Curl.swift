import CCurl
import Foundation

/// Collects one response's header lines and body bytes from libcurl's callbacks.
final class ResponseSink {
    var body = Data()
    var headers: [String: String] = [:]
    let limit: Int
    var exceeded = false

    init(limit: Int) { self.limit = limit }
}

/// `CURLOPT_WRITEFUNCTION`: appends the (already decompressed) bytes; returning less than
/// given aborts the transfer, which is how an over-size body is refused.
private let writeBody: warehouse_curl_write_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
    let n = size * count
    if sink.body.count + n > sink.limit {
        sink.exceeded = true
        return 0
    }
    buffer.withMemoryRebound(to: UInt8.self, capacity: n) { sink.body.append($0, count: n) }
    return n
}

/// `CURLOPT_HEADERFUNCTION`: one header line per call. A new status line (after a `100
/// Continue` or a proxy's `200 Connection established`) starts the header set afresh.
private let writeHeader: warehouse_curl_write_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
    let n = size * count
    let line = buffer.withMemoryRebound(to: UInt8.self, capacity: n) {
        String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self)
    }
    if line.hasPrefix("HTTP/") {
        sink.headers.removeAll()
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        sink.headers[name] = value
    }
    return n
}

extension HTTPClient {
    /// Configures `easy` for `request` and performs it on the calling (Dispatch worker) thread.
    static func perform(_ request: HTTPRequest, on easy: CurlEasy, configuration: HTTPClientConfiguration) -> Result<HTTPResponse, HTTPError> {
        let url = request.redactedURL
        let sink = ResponseSink(limit: configuration.maxBodyBytes)
        easy.reset()
        do {
            try withExtendedLifetime(sink) {
                let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
                try easy.set(CURLOPT_URL, request.url)
                try easy.set(CURLOPT_NOSIGNAL, 1)
                try easy.set(CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl can decode; it decodes
                try easy.set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(configuration.connectTimeout))
                try easy.set(CURLOPT_TIMEOUT_MS, milliseconds(configuration.requestTimeout))
                try easy.set(CURLOPT_USERAGENT, configuration.userAgent)
                try easy.set(CURLOPT_FOLLOWLOCATION, 0)
                if let proxy = configuration.proxy { try easy.set(CURLOPT_PROXY, proxy) }
                if let noProxy = configuration.noProxy { try easy.set(CURLOPT_NOPROXY, noProxy) }
                if let ca = configuration.caBundle { try easy.set(CURLOPT_CAINFO, ca) }
                try easy.set(CURLOPT_WRITEFUNCTION, callback: writeBody)
                try easy.set(CURLOPT_WRITEDATA, pointer: sinkPointer)
                try easy.set(CURLOPT_HEADERFUNCTION, callback: writeHeader)
                try easy.set(CURLOPT_HEADERDATA, pointer: sinkPointer)
                switch request.method {
                case .get:
                    try easy.set(CURLOPT_HTTPGET, 1)
                case .post:
                    let body = request.body ?? Data()
                    try easy.set(CURLOPT_POST, 1)
                    try easy.set(CURLOPT_POSTFIELDSIZE, body.count)
                    try easy.set(CURLOPT_COPYPOSTFIELDS, String(decoding: body, as: UTF8.self))
                }
                // An empty `Expect:` stops curl waiting for `100 Continue` on POSTs.
                try easy.setHeaders(request.headers.map { "\($0.name): \($0.value)" } + ["Expect:"])
                let code = easy.perform()
                if sink.exceeded {
                    throw HTTPError.malformedBody(url: url, reason: "body larger than \(configuration.maxBodyBytes) bytes")
                }
                guard code == CURLE_OK else {
                    throw HTTPError.transport(code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)), url: url)
                }
            }
            return .success(HTTPResponse(
                status: try easy.responseCode(), headers: sink.headers, body: sink.body, url: url, newConnections: try easy.newConnections()))
        } catch let error as HTTPError {
            if case .transport(let code, let message, let u) = error, u.isEmpty {
                return .failure(.transport(code: code, message: message, url: url))
            }
            return .failure(error)
        } catch {
            return .failure(.transport(code: -1, message: "\(error)", url: url))
        }
    }

    private static func milliseconds(_ d: Duration) -> Int {
        Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }
}
