import Foundation
import Logging
import Transport
import WarehouseCore

/// The ArcGIS Online calls of the nightly pull (contracts/agol.md): `portals/self`, every user
/// (past the 10,000-result paging cap by partitioning on username prefixes), every item of the
/// org (`size: -1` from search fetched from `content/items/{id}`), and credit usage per user,
/// service type and day in ≤ 90-day chunks. Each response is handed on as a `FetchedPage`; the
/// caller knows its stream (`StreamSpec.agolUsers`, ...) and loads it as `warehouse import` would.
///
/// Every request carries the token as the `token` parameter (redacted wherever the URL is
/// shown or stored); an HTTP-200 error envelope 498/499/GWM_0003 gets a new token and the same
/// request once more; any other envelope fails the pull with the service's message.
/// https://developers.arcgis.com/rest/users-groups-and-items/
public final class ArcGISClient: Sendable {
    /// `https://<urlKey>.maps.arcgis.com/sharing/rest` (or the sandbox's `…/sharing/rest`).
    public let sharingURL: String
    public let tokens: ArcGISTokenProvider
    let http: HTTPClient
    let logger: Logger
    /// Users and search results per page (the API's maximum is 100).
    public let pageSize: Int
    /// Results past this offset cannot be paged (REST "Considerations and limitations").
    public static let pagingCap = 10_000
    /// Longest usage request at `period=1d` (the service refuses much longer ranges).
    public static let usageChunkDays = 90
    /// ArcGIS Online keeps usage for the past two years only.
    public static let usageRetentionDays = 730
    /// Characters a username may start with, for prefix partitions (AGOL usernames: letters,
    /// digits, `.`, `_`, `@`, `-`; compared case-insensitively).
    static let usernameAlphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz._@-").map(String.init)

    public init(sharingURL: String, credentials: ArcGISCredentials, http: HTTPClient, pageSize: Int = 100, logger: Logger = Logger(label: "warehouse.arcgis")) {
        let base = sharingURL.hasSuffix("/") ? String(sharingURL.dropLast()) : sharingURL
        self.sharingURL = base
        self.tokens = ArcGISTokenProvider(sharingURL: base, credentials: credentials, http: http)
        self.http = http
        self.logger = logger
        self.pageSize = min(100, max(1, pageSize))
    }

    /// The body as JSON (Extract's own parser), or `malformedBody` so the HTTP client retries a
    /// cut-off or garbled page instead of handing it on.
    static func parse(_ response: HTTPResponse) throws -> JSONNode {
        do {
            return JSONNode(try DocumentReader.json(response.body, file: response.url))
        } catch {
            throw HTTPError.malformedBody(url: response.url, reason: "\(error)")
        }
    }

    /// One GET of `path?query` with the token; a rejected token is replaced and the request sent
    /// once more (same URL, so no page is lost or repeated).
    func fetch(_ path: String, _ query: [(String, String)]) async throws -> (page: FetchedPage, root: JSONNode) {
        let (response, root) = try await call { token in
            HTTPRequest(url: "\(self.sharingURL)/\(path)?\(URLText.query(query + [("f", "json"), ("token", token)]))")
        }
        let page = FetchedPage(request: response.url, body: response.body, fetchedAt: .now())
        return (page, root)
    }

    /// Sends the request `build` makes with a token (plus `Accept` and the token's `Referer`),
    /// checks the error envelope, and on 498/499/GWM_0003 gets a new token and sends it once more.
    public func call(_ build: @Sendable (String) -> HTTPRequest) async throws -> (response: HTTPResponse, root: JSONNode) {
        var retried = false
        while true {
            let token = try await tokens.token()
            var request = build(token)
            request.headers.append((name: "Accept", value: "application/json"))
            if let referer = tokens.referer { request.headers.append((name: "Referer", value: referer)) }
            let (response, root) = try await http.send(request) { try ArcGISClient.parse($0) }
            do {
                try DocumentReader.checkArcGISError(root)
            } catch let error as ArcGISError {
                if error.isAuthenticationError && !retried {
                    retried = true
                    await tokens.invalidate(token)
                    logger.notice("ArcGIS token rejected; getting a new one", metadata: ["url": "\(response.url)", "code": "\(error.code ?? 0)"])
                    continue
                }
                throw error.at(response.url)
            }
            return (response, root)
        }
    }

    // MARK: Calls

    /// `GET portals/self`; returns the page and the org id.
    public func portal() async throws -> (page: FetchedPage, orgID: String) {
        let (page, root) = try await fetch("portals/self", [])
        guard let id = try root.optionalString("id"), !id.isEmpty else {
            throw ArcGISError("portals/self has no org id", place: page.request)
        }
        return (page, id)
    }

    /// Every user of the org, 100 a page, following `nextStart` until -1. Past the paging cap,
    /// the listing is split by username prefix (recursively, until each part pages whole), and
    /// the parts must add up to the org's total: nobody missed, nobody twice.
    public func users(orgID: String, _ each: (FetchedPage) async throws -> Void) async throws {
        _ = try await userPart(orgID: orgID, filter: nil, each)
    }

    /// Pages one part (`filter` nil: all users; `abc*`: a prefix; `abc`: that exact name) and
    /// returns how many users it covered.
    private func userPart(orgID: String, filter: String?, _ each: (FetchedPage) async throws -> Void) async throws -> Int64 {
        let path = "portals/\(URLText.encode(orgID))/users"
        func query(_ start: Int64) -> [(String, String)] {
            [("start", String(start)), ("num", String(pageSize)), ("sortField", "username"), ("sortOrder", "asc")]
                + (filter.map { [("username", $0)] } ?? [])
        }
        let (first, root) = try await fetch(path, query(1))
        let total = try root.optionalInt64("total") ?? 0
        if total > Int64(Self.pagingCap), filter == nil || filter!.hasSuffix("*") {
            let prefix = filter.map { String($0.dropLast()) } ?? ""
            guard prefix.count < 64 else { throw ArcGISError("users: cannot split '\(prefix)*' below the paging cap") }
            logger.info("users past the paging cap; splitting by username prefix", metadata: ["prefix": "\(prefix)", "total": "\(total)"])
            var covered: Int64 = 0
            if !prefix.isEmpty { covered += try await userPart(orgID: orgID, filter: prefix, each) }
            for c in Self.usernameAlphabet { covered += try await userPart(orgID: orgID, filter: prefix + c + "*", each) }
            guard covered == total else {
                throw ArcGISError("users: the username partitions of '\(prefix)*' cover \(covered) of \(total) users (a username starts with a character outside \(Self.usernameAlphabet.joined()))")
            }
            return covered
        }
        if total == 0 && filter != nil { return 0 }
        var page = first, node = root, received: Int64 = 0
        while true {
            received += Int64(try node.optionalArray("users").count)
            try await each(page)
            guard let next = try node.optionalInt64("nextStart"), next > 0 else { break }
            (page, node) = try await fetch(path, query(next))
        }
        guard received == total else {
            throw ArcGISError("users\(filter.map { " '\($0)'" } ?? ""): paging returned \(received) of \(total) users")
        }
        return total
    }

    /// Every item of the org via `search?q=orgid:<id>`, 100 a page, each page handed on with nil.
    /// An item search reports as `size: -1`, and every hosted feature service with data of its
    /// own, is then fetched from `content/items/{id}` and handed on as its own page, with its
    /// attachments' bytes for the latter (`attachmentBytes(serviceURL:)`): the item page comes
    /// after the search page, so its split of `size` into features and attachments is what stays.
    public func items(orgID: String, _ each: (FetchedPage, _ attachmentBytes: Int64?) async throws -> Void) async throws {
        var start: Int64 = 1
        while true {
            let (page, root) = try await fetch(
                "search", [("q", "orgid:\(orgID)"), ("start", String(start)), ("num", String(pageSize)), ("sortField", "modified"), ("sortOrder", "asc")],)
            try await each(page, nil)
            for found in try root.optionalArray("results") {
                var item = found
                var fetched: FetchedPage?
                if (try found.optionalInt64("size") ?? 0) < 0 {
                    let (page, root) = try await fetch("content/items/\(URLText.encode(try found.requiredString("id")))", [])
                    (fetched, item) = (page, root)
                }
                guard try Self.hasOwnAttachments(item), let url = try item.optionalString("url") else {
                    if let fetched { try await each(fetched, nil) }
                    continue
                }
                let attachments = try await attachmentBytes(serviceURL: url)
                if fetched == nil { fetched = try await fetch("content/items/\(URLText.encode(try item.requiredString("id")))", []).page }
                if let fetched { try await each(fetched, attachments) }
            }
            guard let next = try root.optionalInt64("nextStart"), next > 0 else { break }
            if next > Int64(Self.pagingCap) {
                throw ArcGISError("items: the org has more than \(Self.pagingCap) items; search past the paging cap is not supported yet")
            }
            start = next
        }
    }

    /// Credits per user, service type and day in `[start, end)` (widened to whole UTC days),
    /// `groupby=username,stype,etype`, `vars=credits,num`, in chunks of at most 90 days.
    public func usage(orgID: String, from start: UTCTime, to end: UTCTime, now: UTCTime = .now(), _ each: (FetchedPage) async throws -> Void) async throws {
        let from = start.startOfDay
        let to = end == end.startOfDay ? end : end.startOfDay.adding(days: 1)
        let oldest = now.startOfDay.adding(days: -Self.usageRetentionDays)
        guard from >= oldest else {
            throw ArcGISError("usage: \(from.day) is more than two years ago; ArcGIS Online keeps usage since \(oldest.day) only")
        }
        guard from < to else { throw ArcGISError("usage: empty window \(from.day)..\(to.day)") }
        var chunk = from
        while chunk < to {
            let chunkEnd = min(chunk.adding(days: Self.usageChunkDays), to)
            let query = [
                ("startTime", String(chunk.epochMilliseconds)), ("endTime", String(chunkEnd.epochMilliseconds)), ("period", "1d"),
                ("groupby", "username,stype,etype"), ("vars", "credits,num"),
            ]
            try await each(try await fetch("portals/\(URLText.encode(orgID))/usage", query).page)
            chunk = chunkEnd
        }
    }

}
