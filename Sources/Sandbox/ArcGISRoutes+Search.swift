import Foundation
import WarehouseCore

/// A page of a portal list (`start` 1-based, `num` at most 100, `nextStart` -1 after the last
/// page; only the first 10,000 results page, as in AGOL). A `start` below 1 is the end of a
/// listing, not its beginning: Esri's client sends `start=-1` after reading `nextStart: -1`, and
/// must get no results back (not page 1 again).
/// https://developers.arcgis.com/rest/users-groups-and-items/search/ ("start", "num", "nextStart")
struct PageWindow {
    let start: Int
    let total: Int
    let range: Range<Int>
    let nextStart: Int
    var error: String? { start > 10_000 ? "'start' must be at most 10000." : nil }

    init(_ params: [String: String], total: Int) {
        let start = Int(params["start"] ?? "") ?? 1
        let num = min(100, max(0, Int(params["num"] ?? "") ?? 10))
        self.start = start
        self.total = total
        guard start >= 1, start <= 10_000 else {
            range = 0..<0
            nextStart = -1
            return
        }
        let end = min(total, start - 1 + num, 10_000)
        range = min(start - 1, end)..<end
        nextStart = end < total && end < 10_000 ? end + 1 : -1
    }

    func write(_ w: inout JSONWriter) {
        w.member("total", total)
        w.member("start", start)
        w.member("num", range.count)
        w.member("nextStart", nextStart)
    }
}

/// The search syntax as far as the sandbox needs it: `field:value` and `field:"a phrase"` terms,
/// all of which must match (`AND` is implied; `OR` is read as `AND`), `NOT term` or `-term` to
/// exclude, parentheses ignored. Fields: `orgid` and `accountid` (the org), `owner`, `id`,
/// `type` (a phrase of the item type: `type:"Feature Service"`), `title`, `tags`,
/// `typekeywords`; a bare word matches the title, tags or type. Unknown fields match everything.
/// https://developers.arcgis.com/rest/users-groups-and-items/search-reference/
struct ItemQuery {
    struct Term { let field: String?; let value: String; let negated: Bool }
    let terms: [Term]

    init(_ q: String) {
        var words: [String] = []
        var current = ""
        var quoted = false
        for c in q {
            if c == "\"" { quoted.toggle(); continue }
            if !quoted && (c == " " || c == "(" || c == ")") {
                if !current.isEmpty { words.append(current); current = "" }
                continue
            }
            current.append(c)
        }
        if !current.isEmpty { words.append(current) }
        var terms: [Term] = []
        var negate = false
        for word in words {
            switch word {
            case "AND", "OR": continue
            case "NOT": negate = true; continue
            default: break
            }
            var text = Substring(word)
            if text.hasPrefix("-") { negate = true; text = text.dropFirst() }
            let parts = text.split(separator: ":", maxSplits: 1)
            if parts.count == 2 {
                terms.append(Term(field: parts[0].lowercased(), value: parts[1].lowercased(), negated: negate))
            } else {
                terms.append(Term(field: nil, value: text.lowercased(), negated: negate))
            }
            negate = false
        }
        self.terms = terms
    }

    func matches(_ item: ArcGISOrganization.Item, org: ArcGISOrganization) -> Bool {
        terms.allSatisfy { term in matches(term, item, org) != term.negated }
    }

    private func matches(_ term: Term, _ item: ArcGISOrganization.Item, _ org: ArcGISOrganization) -> Bool {
        let v = term.value
        switch term.field {
        case "orgid"?, "accountid"?: return org.id.lowercased() == v
        case "owner"?: return item.owner.lowercased() == v
        case "id"?: return item.id.lowercased() == v
        case "type"?: return Self.phrase(v, in: item.type)
        case "title"?: return item.title.lowercased().contains(v)
        case "tags"?: return item.tags.contains { $0.lowercased() == v }
        case "typekeywords"?: return item.typeKeywords.contains { $0.lowercased() == v }
        case nil: return item.title.lowercased().contains(v) || Self.phrase(v, in: item.type) || item.tags.contains { $0.lowercased() == v }
        default: return true
        }
    }

    /// `phrase` as a run of whole words of `text` ("service" in "Feature Service", not "serv").
    static func phrase(_ phrase: String, in text: String) -> Bool {
        let words = text.lowercased().split(separator: " ")
        let wanted = phrase.split(separator: " ")
        guard !wanted.isEmpty, wanted.count <= words.count else { return false }
        return (0...(words.count - wanted.count)).contains { Array(words[$0..<($0 + wanted.count)]) == wanted }
    }
}

extension ArcGISRoutes {
    func itemJSON(_ w: inout JSONWriter, _ item: ArcGISOrganization.Item, org: ArcGISOrganization, search: Bool, origin: String) {
        w.beginObject()
        w.member("id", item.id)
        w.member("owner", item.owner)
        w.member("orgId", org.id)
        w.member("title", item.title)
        w.member("type", item.type)
        w.array("typeKeywords") { a in for k in item.typeKeywords { a.string(k) } }
        w.array("tags") { a in for t in item.tags { a.string(t) } }
        w.member("access", "org")
        // `size` includes a hosted layer's attachments; their own sizes come from the layer's
        // queryAttachments (ArcGISRoutes+FeatureService.swift), never from an item field.
        w.member("size", search && item.sizeHiddenInSearch ? -1 : Int(item.size))
        if let url = serviceURL(item, org: org, origin: origin) { w.member("url", url) }
        w.endObject()
    }

    /// `GET /search?q&start&num`: the org's items that match `q` (see `ItemQuery`), 100 a page at most.
    /// https://developers.arcgis.com/rest/users-groups-and-items/search/
    func search(_ params: [String: String], _ org: ArcGISOrganization, _ request: SandboxRequest) -> SandboxResponse {
        let query = ItemQuery(params["q"] ?? "")
        let list = org.items.filter { query.matches($0, org: org) }
        let window = PageWindow(params, total: list.count)
        if let error = window.error { return envelope(400, "Unable to page beyond the first 10000 results.", details: .list([error])) }
        var w = JSONWriter()
        w.beginObject()
        w.member("query", params["q"] ?? "")
        window.write(&w)
        w.array("results") { a in
            for item in list[window.range] { itemJSON(&a, item, org: org, search: true, origin: request.origin) }
        }
        w.endObject()
        return .json(200, w)
    }

    /// `GET /content/items/{id}`: one item, with its true `size`.
    /// https://developers.arcgis.com/rest/users-groups-and-items/item/
    func item(_ id: String, _ org: ArcGISOrganization, _ request: SandboxRequest) -> SandboxResponse {
        guard let item = org.items.first(where: { $0.id == id }) else {
            return envelope(400, "Item does not exist or is inaccessible.", details: .list([]))
        }
        var w = JSONWriter()
        itemJSON(&w, item, org: org, search: false, origin: request.origin)
        return .json(200, w)
    }
}
