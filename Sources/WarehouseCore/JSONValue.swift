import Foundation
import WarehouseCore

/// A JSON document as parsed by `JSONParser`: numbers keep their source text, so a quantity such
/// as `0.217790327034891` or `5.0018196E7` reaches `ExactDecimal.parse` exactly as sent and never
/// passes through `Double` (which `JSONDecoder` would do). Objects keep their members in order.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's text, valid JSON number grammar.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A short name of the value's type, for error messages ("expected a string, found a number").
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Compact JSON text; numbers are written as their original text, so values stay exact.
    public var serialized: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let text): out += text
        case .string(let s): out += JSONValue.quoted(s)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (i, member) in object.members.enumerated() {
                if i > 0 { out += "," }
                out += JSONValue.quoted(member.key)
                out += ":"
                member.value.write(to: &out)
            }
            out += "}"
        }
    }

    /// A JSON string literal for `text`.
    public static func quoted(_ text: String) -> String { JSONString.quoted(text) }

    // MARK: Building documents (the one JSON writer: `serialized`, `inline`, `pretty`)

    /// An object of `pairs`, in that order.
    public static func members(_ pairs: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject(pairs.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }

    /// A string, or null.
    public static func text(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    /// A whole number.
    public static func integer(_ value: Int) -> JSONValue { .number(String(value)) }

    /// One line with a space after each `:` and `,` (`{"a": 1, "b": [2, 3]}`), as sqlite-utils
    /// prints rows.
    public var inline: String {
        switch self {
        case .array(let items): return "[" + items.map(\.inline).joined(separator: ", ") + "]"
        case .object(let object):
            return "{" + object.members.map { JSONValue.quoted($0.key) + ": " + $0.value.inline }.joined(separator: ", ") + "}"
        default: return serialized
        }
    }

    /// Two-space indented, one member or item a line, for outputs people read and diff
    /// (`invoice --format json`); key order and exact decimal text as built.
    public func pretty(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1), close = String(repeating: "  ", count: indent)
        switch self {
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { pad + $0.pretty(indent: indent + 1) }.joined(separator: ",\n") + "\n" + close + "]"
        case .object(let object):
            if object.members.isEmpty { return "{}" }
            return "{\n" + object.members.map { pad + JSONValue.quoted($0.key) + ": " + $0.value.pretty(indent: indent + 1) }.joined(separator: ",\n")
                + "\n" + close + "}"
        default: return serialized
        }
    }
}

/// A JSON object's members in document order. A key given twice keeps its last value on lookup
/// (as most parsers do); both stay in `members`.
public struct JSONObject: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public var members: [Member]

    public init(_ members: [Member] = []) { self.members = members }

    public subscript(key: String) -> JSONValue? {
        members.last(where: { $0.key == key })?.value
    }

    /// The value of the first key equal to `key` ignoring ASCII case.
    public func value(caseInsensitive key: String) -> JSONValue? {
        let lowered = key.lowercased()
        return members.last(where: { $0.key.lowercased() == lowered })?.value
    }

    public var keys: [String] { members.map(\.key) }
}
