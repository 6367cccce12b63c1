import CCurl
import Foundation

/// One libcurl easy handle, owned: created in `init`, cleaned up in `deinit`.
///
/// Every `CURLcode` goes through `check`, so no call's failure is silently dropped. A handle is
/// reused across requests (see `HTTPClient`'s pool): `curl_easy_reset` keeps its connection cache,
/// so the next request to the same host rides the same TCP/TLS connection.
/// https://curl.se/libcurl/c/curl_easy_reset.html
///
/// Not thread-safe: one request at a time, on the thread that calls `perform`; `HTTPClient`
/// guarantees that by taking a handle out of its pool for the length of one request.
public final class CurlEasy: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    /// Header lists must outlive `curl_easy_perform`; freed on the next `reset` and in `deinit`.
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// Other lists (`CURLOPT_MAIL_RCPT`): as `headerList`, freed on `reset` and in `deinit`.
    private var otherLists: [UnsafeMutablePointer<curl_slist>] = []

    /// libcurl's global state, initialized once per process before the first handle.
    /// https://curl.se/libcurl/c/curl_global_init.html
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    public init() throws {
        try CurlEasy.check(CurlEasy.globalInit, "curl_global_init")
        guard let handle = curl_easy_init() else {
            throw HTTPError.transport(code: -1, message: "curl_easy_init failed (out of memory?)", url: "")
        }
        self.handle = handle
    }

    deinit {
        for list in otherLists { curl_slist_free_all(list) }
        curl_slist_free_all(headerList)
        curl_easy_cleanup(handle)
    }

    /// Forgets the previous request's options but keeps live connections and caches.
    public func reset() {
        curl_easy_reset(handle)
        curl_slist_free_all(headerList)
        headerList = nil
        for list in otherLists { curl_slist_free_all(list) }
        otherLists = []
    }

    public static func check(_ code: CURLcode, _ what: String) throws {
        guard code == CURLE_OK else {
            let message = String(cString: curl_easy_strerror(code))
            throw HTTPError.transport(code: Int(code.rawValue), message: "\(what): \(message)", url: "")
        }
    }

    public func set(_ option: CURLoption, _ value: Int) throws {
        try CurlEasy.check(warehouse_curl_setopt_long(handle, option, value), "curl option \(option.rawValue)")
    }

    public func set(_ option: CURLoption, _ value: String) throws {
        try CurlEasy.check(warehouse_curl_setopt_string(handle, option, value), "curl option \(option.rawValue)")
    }

    public func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws {
        try CurlEasy.check(warehouse_curl_setopt_pointer(handle, option, pointer), "curl option \(option.rawValue)")
    }

    public func set(_ option: CURLoption, callback: warehouse_curl_write_callback) throws {
        try CurlEasy.check(warehouse_curl_setopt_write_function(handle, option, callback), "curl option \(option.rawValue)")
    }

    public func set(_ option: CURLoption, readCallback: warehouse_curl_read_callback) throws {
        try CurlEasy.check(warehouse_curl_setopt_read_function(handle, option, readCallback), "curl option \(option.rawValue)")
    }

    /// Sets the request headers (each `Name: value`).
    public func setHeaders(_ lines: [String]) throws {
        curl_slist_free_all(headerList)
        headerList = nil
        let list = try CurlEasy.makeList(lines)
        headerList = list
        try CurlEasy.check(warehouse_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list), "curl headers")
    }

    /// Sets a list option other than the headers (`CURLOPT_MAIL_RCPT`); the list lives until `reset`.
    public func setList(_ option: CURLoption, _ lines: [String]) throws {
        let list = try CurlEasy.makeList(lines)
        if let list { otherLists.append(list) }
        try CurlEasy.check(warehouse_curl_setopt_slist(handle, option, list), "curl option \(option.rawValue)")
    }

    private static func makeList(_ lines: [String]) throws -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let appended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw HTTPError.transport(code: -1, message: "curl_slist_append failed", url: "")
            }
            list = appended
        }
        return list
    }

    /// Runs the configured request to completion on the calling thread.
    public func perform() -> CURLcode { curl_easy_perform(handle) }

    /// `CURLINFO_NUM_CONNECTS`: connections opened for the last transfer.
    public func newConnections() throws -> Int {
        var count = 0
        try CurlEasy.check(warehouse_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &count), "curl connect count")
        return count
    }

    public func responseCode() throws -> Int {
        var code = 0
        try CurlEasy.check(warehouse_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code), "curl response code")
        return code
    }
}
