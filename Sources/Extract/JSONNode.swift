import Foundation
import WarehouseCore

/// A JSON value with its path in the document, for decoding with errors that say where:
/// `items[3].resource.id: expected a string, found a number`.
///
/// `optional...` accessors return nil for a missing key or `null`; `required...` throw. Decimal
/// accessors accept a JSON number or a numeric string (ArcGIS sends `"2.0E-4"`) and parse the
/// text with `ExactDecimal.parse`, never through `Double`.
public struct JSONNode: Sendable {
    public let value: JSONValue
    public let path: String

    public init(_ value: JSONValue, path: String = "") {
        self.value = value
        self.path = path
    }

    func problem(_ message: String, at key: String? = nil) -> DocumentError {
        DocumentError(position: key.map(child) ?? (path.isEmpty ? "top level" : path), message: message)
    }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The members of this object.
    public func object() throws -> JSONObject {
        guard case .object(let object) = value else { throw problem("expected an object, found \(value.typeName)") }
        return object
    }

    /// The member `key`, or nil when missing or null.
    public func optional(_ key: String) throws -> JSONNode? {
        let object = try object()
        guard let member = object[key], member != .null else { return nil }
        return JSONNode(member, path: child(key))
    }

    /// The member `key`, matched ignoring case, or nil when missing or null.
    public func optional(caseInsensitive key: String) throws -> JSONNode? {
        let object = try object()
        guard let member = object.value(caseInsensitive: key), member != .null else { return nil }
        return JSONNode(member, path: child(key))
    }

    public func required(_ key: String) throws -> JSONNode {
        guard let node = try optional(key) else { throw problem("missing '\(key)'", at: key) }
        return node
    }

    // MARK: Scalars of this node

    public func string() throws -> String {
        guard case .string(let s) = value else { throw problem("expected a string, found \(value.typeName)") }
        return s
    }

    public func bool() throws -> Bool {
        guard case .bool(let b) = value else { throw problem("expected a boolean, found \(value.typeName)") }
        return b
    }

    /// A number or numeric string, exactly.
    public func decimal() throws -> Decimal {
        let text: String
        switch value {
        case .number(let t): text = t
        case .string(let t): text = t.trimmingCharacters(in: .whitespaces)
        default: throw problem("expected a number, found \(value.typeName)")
        }
        guard let decimal = ExactDecimal.parse(text), !decimal.isNaN else { throw problem("expected a number, found '\(text)'") }
        return decimal
    }

    /// An integral number or numeric string.
    public func int64() throws -> Int64 {
        let d = try decimal()
        guard let i = ExactDecimal.int64(d) else { throw problem("expected a whole number, found \(ExactDecimal.format(d))") }
        return i
    }

    /// An ISO-8601 time with any offset, as UTC.
    public func time() throws -> UTCTime {
        let s = try string()
        guard let t = UTCTime.parse(s) else { throw problem("expected an ISO-8601 time, found '\(s)'") }
        return t
    }

    public func array() throws -> [JSONNode] {
        guard case .array(let items) = value else { throw problem("expected an array, found \(value.typeName)") }
        return items.enumerated().map { JSONNode($0.element, path: "\(path)[\($0.offset)]") }
    }

    /// An array of strings (`tags`, `typeKeywords`).
    public func strings() throws -> [String] { try array().map { try $0.string() } }

    // MARK: Members

    public func requiredString(_ key: String) throws -> String { try required(key).string() }
    public func optionalString(_ key: String) throws -> String? { try optional(key)?.string() }
    public func requiredDecimal(_ key: String) throws -> Decimal { try required(key).decimal() }
    public func optionalDecimal(_ key: String) throws -> Decimal? { try optional(key)?.decimal() }
    public func optionalInt64(_ key: String) throws -> Int64? { try optional(key)?.int64() }
    public func requiredTime(_ key: String) throws -> UTCTime { try required(key).time() }
    public func requiredArray(_ key: String) throws -> [JSONNode] { try required(key).array() }
    public func optionalArray(_ key: String) throws -> [JSONNode] { try optional(key)?.array() ?? [] }
    public func optionalStrings(_ key: String) throws -> [String] { try optional(key)?.strings() ?? [] }
    public func optionalObject(_ key: String) throws -> JSONObject? { try optional(key)?.object() }
}
