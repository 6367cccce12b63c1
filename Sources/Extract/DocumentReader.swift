import Foundation
import Transport
import WarehouseCore

/// A document that cannot be read: the file, where in it, and what was expected.
///
/// `position` is `line L, column C` for syntax errors, a JSON path such as `items[3].quantity`
/// for a well-formed document of the wrong shape, or `line L` of a CSV file.
/// One bad record rejects the whole document: a page is loaded whole or not at all.
public struct DocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var position: String?
    public var message: String

    public init(file: String = "", position: String? = nil, message: String) {
        self.file = file
        self.position = position
        self.message = DocumentError.clipped(message)
    }

    /// Messages quote what they found (`found '…'`); a 100,000-digit number or a megabyte-long
    /// name is not echoed whole: past 300 characters the message is cut and says how much was left
    /// out. A quoted line break or control character (a multi-line CSV field) is shown escaped, so
    /// the error stays one line.
    static func clipped(_ message: String) -> String {
        var message = message
        if message.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            message = message.unicodeScalars.map { s in
                switch s {
                case "\n": return "\\n"
                case "\r": return "\\r"
                case "\t": return "\\t"
                default: return s.value < 0x20 || s.value == 0x7F ? "\\u{\(String(s.value, radix: 16))}" : String(s)
                }
            }.joined()
        }
        let limit = 300
        guard message.utf8.count > limit, message.count > limit else { return message }
        return "\(message.prefix(limit))… (\(message.count - limit) more characters)"
    }

    public var description: String {
        [file.isEmpty ? nil : file, position, message].compactMap { $0 }.joined(separator: ": ")
    }

    func named(_ file: String) -> DocumentError {
        var copy = self
        if copy.file.isEmpty { copy.file = file }
        return copy
    }
}

/// The one ArcGIS error type: the service's error envelope, which comes with HTTP 200
/// (`{"error":{"code":498,"message":"Invalid token.","details":[...]}}` or the server style
/// `{"status":"error","messages":["Token Expired."],"code":498}`), or a failure the client found
/// itself (no `code`); with the file or redacted request URL it came from.
///
/// The service's message and details may repeat the request (`Unable to generate token for
/// username=…&password=…`, a URL with `token=…`): they are redacted (`Redaction.redactText`) when
/// the error is made and again when it is described, so no registered secret or secret-named
/// field reaches a log line, the console or `etl_runs.detail`.
/// See https://developers.arcgis.com/rest/users-groups-and-items/common-parameters/ (error handling).
public struct ArcGISError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file or (redacted) request URL; empty until known.
    public var place: String
    /// The service's error code; nil when the client itself found the answer wanting.
    public var code: Int?
    public var message: String
    public var messageCode: String?
    public var details: [String]

    public init(place: String = "", code: Int?, message: String, messageCode: String? = nil, details: [String] = []) {
        self.place = Redaction.redactURL(place)
        self.code = code
        self.message = Redaction.redactText(message)
        self.messageCode = messageCode
        self.details = details.map(Redaction.redactText)
    }

    /// A failure the client found itself (a missing field, a paging total that does not add up).
    public init(_ message: String, place: String = "") {
        self.init(place: place, code: nil, message: message)
    }

    /// The same error, placed at `place` (a file name or a redacted URL).
    public func at(_ place: String) -> ArcGISError {
        var placed = self
        placed.place = Redaction.redactURL(place)
        return placed
    }

    /// 498 (invalid or expired token), 499 (token required) and GWM_0003: re-authenticate and retry once.
    public var isAuthenticationError: Bool { code == 498 || code == 499 || messageCode == "GWM_0003" }

    public var description: String {
        var text = place.isEmpty ? "" : place + ": "
        guard let code else { return Redaction.redactText(text + message) }
        text += "ArcGIS error \(code): \(message)"
        let extra = details.filter { $0 != message }
        if !extra.isEmpty { text += " (\(extra.joined(separator: "; ")))" }
        return Redaction.redactText(text)
    }
}

/// Bytes in, document text or JSON out: gzip is inflated (detected by its magic number, not the
/// file name), a UTF-8 byte order mark is dropped, and every failure names the file.
public enum DocumentReader {
    /// The document as received: inflated when gzip (within the per-file limit), else as is. The
    /// loader stores and decodes this, so a compressed file is inflated once.
    public static func inflated(_ data: Data, file: String) throws -> Data {
        guard Zlib.isGzip(data) else { return data }
        do {
            return try Zlib.inflate(data)
        } catch let error as ZlibError where error.operation == "inflate-limit" {
            throw DocumentError(file: file, message: error.description)
        } catch {
            throw DocumentError(file: file, message: "cannot decompress gzip: \(error)")
        }
    }

    /// The bytes of a document: inflated when gzip, without a UTF-8 BOM.
    public static func bytes(_ data: Data, file: String) throws -> [UInt8] {
        let raw = try inflated(data, file: file)
        // One copy, without the byte order mark (not a copy and then a shift).
        return raw.starts(with: [0xEF, 0xBB, 0xBF]) ? [UInt8](raw.dropFirst(3)) : [UInt8](raw)
    }

    /// The document as UTF-8 text (for CSV files).
    public static func text(_ data: Data, file: String) throws -> String {
        let bytes = try bytes(data, file: file)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DocumentError(file: file, message: "not UTF-8 text: invalid byte at offset \(invalidUTF8Offset(bytes))")
        }
        return text
    }

    /// The offset of the first byte that is not part of a valid UTF-8 sequence.
    static func invalidUTF8Offset(_ bytes: [UInt8]) -> Int {
        var offset = 0
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return offset
            case .error: return offset
            }
        }
    }

    /// The document parsed as JSON.
    public static func json(_ data: Data, file: String) throws -> JSONValue {
        let bytes = try bytes(data, file: file)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
            throw DocumentError(file: file, message: "empty document, expected JSON")
        }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw DocumentError(file: file, position: "line \(error.line), column \(error.column)", message: error.message)
        }
    }

    /// Parses `data` as JSON and decodes it with `decode`, naming `file` in any error.
    public static func decode<T>(_ data: Data, file: String, _ decode: (JSONNode) throws -> T) throws -> T {
        let value = try json(data, file: file)
        do {
            return try decode(JSONNode(value))
        } catch let error as DocumentError {
            throw error.named(file)
        } catch let error as ArcGISError {
            throw DocumentError(file: file, message: error.description)
        }
    }

    /// Throws the ArcGIS error a body carries instead of data, if any.
    public static func checkArcGISError(_ root: JSONNode) throws {
        guard case .object(let object) = root.value else { return }
        if case .object(let error)? = object["error"] {
            let node = JSONNode(.object(error), path: "error")
            throw ArcGISError(
                code: Int(((try? node.optionalInt64("code")) ?? nil) ?? 0),
                message: (try? node.optionalString("message")) ?? "",
                messageCode: try? node.optionalString("messageCode"),
                details: details(error["details"]))
        }
        if case .string(let status)? = object["status"], status == "error" || status == "failed" {
            let code = (try? root.optionalInt64("code")).flatMap { $0 }.map(Int.init) ?? 0
            let messages = details(object["messages"])
            throw ArcGISError(code: code, message: messages.first ?? status, messageCode: nil, details: messages)
        }
    }

    /// `details` may be absent, a string, or an array of strings.
    private static func details(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let s)?: return [s]
        case .array(let items)?:
            return items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
        default: return []
        }
    }
}
