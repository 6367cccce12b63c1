/// JSON string literals, written exactly (RFC 8259 §7): the one escaping routine that every
/// writer of JSON text in the warehouse (documents, `tags` columns, `--format json`) shares.
public enum JSONString {
    /// `text` as a quoted JSON string: quotes, backslashes and control characters escaped,
    /// everything else (including non-ASCII) written as is.
    public static func quoted(_ text: String) -> String {
        // Most text needs no escape: one scan of the bytes, then one copy.
        var plain = true
        for byte in text.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            plain = false
            break
        }
        if plain { return "\"" + text + "\"" }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20:
                out += "\\u" + String(s.value, radix: 16).leftPadded(to: 4)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
