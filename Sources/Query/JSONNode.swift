import Foundation

/// A JSON document with its keys in the order written, printed with two-space indentation: for
/// outputs that are contracts (`invoice --format json`), where key order and exact decimal strings
/// must not depend on Foundation's encoder.
indirect enum JSONNode {
    case string(String)
    case number(Int64)
    case bool(Bool)
    case null
    case array([JSONNode])
    case object([(String, JSONNode)])

    static func optional(_ text: String?) -> JSONNode { text.map(JSONNode.string) ?? .null }

    func render(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1), close = String(repeating: "  ", count: indent)
        switch self {
        case .string(let s): return JSONText.string(s)
        case .number(let n): return String(n)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { pad + $0.render(indent: indent + 1) }.joined(separator: ",\n") + "\n" + close + "]"
        case .object(let pairs):
            if pairs.isEmpty { return "{}" }
            return "{\n" + pairs.map { pad + JSONText.string($0.0) + ": " + $0.1.render(indent: indent + 1) }.joined(separator: ",\n")
                + "\n" + close + "}"
        }
    }
}
