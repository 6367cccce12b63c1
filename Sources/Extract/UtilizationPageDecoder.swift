import Foundation
import WarehouseCore

/// A decoder specialized for Partner Center utilization pages, straight from bytes to
/// `PartnerCenterUtilizationPage`, for bulk imports of millions of records (issue 9).
///
/// The general path (`JSONParser` → `JSONValue` tree → `JSONNode` lookups) builds a `String` for
/// every key and an enum node for every value, and looks each member up by a linear search; here
/// a `JSONByteCursor` walks the page once, compares keys as bytes, builds only the strings that
/// become fields, and validates (without building) everything else. Numbers stay text until
/// `ExactDecimal.parse`, as on the general path: never a `Double`.
///
/// It is the general path's fast lane, not a second opinion: whenever the page is anything but a
/// well-formed utilization page without surprises (a syntax error, a key given twice, a wrong
/// type, a missing field, an escape in a string, gzip it cannot see into), it steps aside and
/// `PartnerCenterUtilizationPage.decode` reads the document, producing its value or its precise
/// error. So both agree by construction on everything the fast lane declines, and the tests
/// check they agree on everything it accepts (samples, generated pages, thousands of mutations).
/// https://learn.microsoft.com/partner-center/developer/get-a-customer-s-utilization-record-for-azure
public enum UtilizationPageDecoder {
    typealias Bail = JSONByteCursor.Bail

    /// The page in `data` (plain or gzip, with or without a BOM), exactly as
    /// `PartnerCenterUtilizationPage.decode(data, file:)` reads it.
    public static func decode(_ data: Data, file: String) throws -> PartnerCenterUtilizationPage {
        if let page = fastDecode(data) { return page }
        return try PartnerCenterUtilizationPage.decode(data, file: file)
    }

    /// The page, or nil when the fast lane declines (the caller then uses the general path).
    public static func fastDecode(_ data: Data) -> PartnerCenterUtilizationPage? {
        if Zlib.isGzip(data) {
            guard let bytes = try? DocumentReader.bytes(data, file: "") else { return nil }
            return bytes.withUnsafeBufferPointer { fastDecode($0) }
        }
        return data.withUnsafeBytes { raw in fastDecode(raw.bindMemory(to: UInt8.self)) }
    }

    /// The page in UTF-8 `bytes` (a leading BOM allowed), or nil when the fast lane declines.
    public static func fastDecode(_ bytes: UnsafeBufferPointer<UInt8>) -> PartnerCenterUtilizationPage? {
        guard let base = bytes.baseAddress else { return nil }
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        var cursor = JSONByteCursor(base, count: bytes.count, from: bom)
        do {
            let page = try readPage(&cursor)
            cursor.skipWhitespace()
            return cursor.atEnd ? page : nil
        } catch {
            return nil
        }
    }

    // MARK: page

    typealias Cursor = JSONByteCursor

    static func readPage(_ c: inout Cursor) throws(Bail) -> PartnerCenterUtilizationPage {
        var seen: UInt8 = 0
        var totalCount: Int64?
        var items: [AzureUsageRecord]?
        var links = PartnerCenterLinks()
        var itemSelfURI: String?
        try Cursor.object(&c) { c, k throws(Bail) in
            if c.matches(k, "items") {
                try once(&seen, 1)
                var list: [AzureUsageRecord] = []
                list.reserveCapacity(1000)
                try Cursor.array(&c) { c throws(Bail) in list.append(try readRecord(&c, selfURI: &itemSelfURI)) }
                items = list
            } else if c.matches(k, "totalCount") {
                try once(&seen, 2)
                totalCount = try optionalInt64(&c)
            } else if c.matches(k, "links") {
                try once(&seen, 4)
                links = try readLinks(&c)
            } else {
                try c.skipValue()
            }
        }
        guard let items else { throw Bail() }
        return PartnerCenterUtilizationPage(totalCount: totalCount, items: items, links: links, itemSelfURI: itemSelfURI)
    }

    /// A known key given twice: the general path's "last one wins" decides.
    @inline(__always) static func once(_ seen: inout UInt8, _ bit: UInt8) throws(Bail) {
        if seen & bit != 0 { throw Bail() }
        seen |= bit
    }

    /// The string members `names` of an object (null reads as nil), other members skipped; the
    /// same key twice bails.
    static func strings(_ c: inout Cursor, _ names: [StaticString]) throws(Bail) -> [String?] {
        var values = [String?](repeating: nil, count: names.count)
        var seen: UInt8 = 0
        try Cursor.object(&c) { c, k throws(Bail) in
            guard let i = names.firstIndex(where: { c.matches(k, $0) }) else { return try c.skipValue() }
            try once(&seen, 1 << i)
            values[i] = try c.optionalString()
        }
        return values
    }

    static func readLinks(_ c: inout Cursor) throws(Bail) -> PartnerCenterLinks {
        var links = PartnerCenterLinks()
        if try c.null() { return links }
        var seen: UInt8 = 0
        try Cursor.object(&c) { c, k throws(Bail) in
            if c.matches(k, "self") {
                try once(&seen, 1)
                links.selfLink = try c.null() ? nil : try readLink(&c)
            } else if c.matches(k, "next") {
                try once(&seen, 2)
                links.next = try c.null() ? nil : try readLink(&c)
            } else {
                try c.skipValue()
            }
        }
        return links
    }

    static func readLink(_ c: inout Cursor) throws(Bail) -> PartnerCenterLink {
        var seen: UInt8 = 0
        var uri: String?
        var method: String?
        var headers: [PartnerCenterLink.Header] = []
        try Cursor.object(&c) { c, k throws(Bail) in
            if c.matches(k, "uri") {
                try once(&seen, 1)
                uri = try c.optionalString()
            } else if c.matches(k, "method") {
                try once(&seen, 2)
                method = try c.optionalString()
            } else if c.matches(k, "headers") {
                try once(&seen, 4)
                headers = []
                if try !c.null() {
                    try Cursor.array(&c) { c throws(Bail) in
                        let pair = try strings(&c, ["key", "value"])
                        guard let key = pair[0], let value = pair[1] else { throw Bail() }
                        headers.append(PartnerCenterLink.Header(key: key, value: value))
                    }
                }
            } else {
                try c.skipValue()
            }
        }
        guard let uri else { throw Bail() }
        return PartnerCenterLink(uri: uri, method: method, headers: headers)
    }

    // MARK: scalars as JSONNode reads them

    /// `JSONNode.decimal()`: a number's text, or a string's text trimmed of spaces; never NaN.
    static func decimal(_ c: inout JSONByteCursor) throws(Bail) -> Decimal {
        c.skipWhitespace()
        let parsed: Decimal?
        if c.peek == 0x22 {
            parsed = ExactDecimal.parse(c.text(try c.stringRange()).trimmingCharacters(in: .whitespaces))
        } else {
            parsed = ExactDecimal.parse(c.text(try c.numberRange()))
        }
        guard let parsed, !parsed.isNaN else { throw Bail() }
        return parsed
    }

    /// `JSONNode.optionalInt64`: null, or an integral decimal that fits.
    static func optionalInt64(_ c: inout JSONByteCursor) throws(Bail) -> Int64? {
        if try c.null() { return nil }
        guard let value = ExactDecimal.int64(try decimal(&c)) else { throw Bail() }
        return value
    }

    /// `JSONNode.time()`: an ISO-8601 string.
    static func time(_ c: inout JSONByteCursor) throws(Bail) -> UTCTime {
        guard let t = UTCTime.parse(try c.string()) else { throw Bail() }
        return t
    }

    /// `optionalObject`: null (nil) or an object's members.
    static func optionalObject(_ c: inout JSONByteCursor) throws(Bail) -> JSONObject? {
        c.skipWhitespace()
        guard c.peek == 0x7b else {
            try c.literal("null")
            return nil
        }
        guard case .object(let object) = try c.value() else { throw Bail() }
        return object
    }
}
