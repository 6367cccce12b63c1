import Foundation

/// Names, tags and meter names come from anyone who can name a resource or fill a form: before
/// they are printed they are made harmless for where they go (issue 17, items 3 and 6).
enum SafeText {
    /// A control character a terminal could act on: C0 (ESC, BEL, backspace, …), DEL and C1
    /// (CSI 0x9B among them). Tab, line feed and carriage return are left to the callers.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || (v >= 0x7F && v <= 0x9F)
    }

    /// `text` without terminal control characters (tab, line feed and carriage return kept).
    static func withoutControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.filter { !isControl($0) })
        return String(scalars)
    }

    /// One cell of a table for a terminal: no controls, line breaks and tabs as spaces.
    static func terminalCell(_ text: String) -> String {
        let clean = withoutControls(text)
        guard clean.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return clean }
        return clean.map { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : String($0) }.joined()
    }

    /// Text for HTML and for Markdown (rendered as HTML by most viewers): `&`, `<`, `>` and quotes as entities,
    /// so a name such as `<img src=x onerror=…>` is shown, never interpreted.
    static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// OWASP's rule against CSV (formula) injection: a text cell starting with `=`, `+`, `-`, `@`,
    /// tab or carriage return gets a leading `'`, so a spreadsheet shows it as text instead of
    /// evaluating `=HYPERLINK(…)` or `=cmd|…`. Numbers (`-12.50`, `+3`, `1e-3`) are left alone: a
    /// negative amount must stay a number. https://owasp.org/www-community/attacks/CSV_Injection
    static func spreadsheetCell(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), !isNumber(text) else { return text }
        return "'" + text
    }

    /// A decimal number as the warehouse prints one: sign, digits, optional fraction and exponent.
    static func isNumber(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        if let f = bytes.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        func digits() -> Int {
            let n = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
            bytes = bytes.dropFirst(n)
            return n
        }
        var count = digits()
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            count += digits()
        }
        guard count > 0 else { return false }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let s = bytes.first, s == UInt8(ascii: "-") || s == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}
