import Foundation

/// A PostgreSQL array literal of `SQLValue`s, bound as one text parameter and cast to the
/// column's array type (https://www.postgresql.org/docs/15/arrays.html#ARRAYS-IO): integers as
/// digits, text double-quoted with `"` and `\` escaped by a backslash, NULL bare. Data, never SQL.
public enum SQLArrayLiteral {
    public static func make(_ values: [SQLValue]) -> String {
        var out = "{"
        out.reserveCapacity(values.count * 12)
        for (index, value) in values.enumerated() {
            if index > 0 { out += "," }
            switch value {
            case .null: out += "NULL"
            case .integer(let number): out += String(number)
            case .real(let number): out += String(number)
            case .text(let text): quote(text, into: &out)
            case .blob: preconditionFailure("no blob column is sent as an array")
            }
        }
        return out + "}"
    }

    private static func quote(_ text: String, into out: inout String) {
        out += "\""
        for character in text.unicodeScalars {
            if character == "\"" || character == "\\" { out += "\\" }
            out.unicodeScalars.append(character)
        }
        out += "\""
    }
}
