import Foundation
import Load
import WarehouseCore

/// Rows and their column names, ready to print in any `OutputFormat`.
public struct ResultTable: Equatable, Sendable {
    public var columns: [String]
    public var rows: [[SQLValue]]

    public init(columns: [String], rows: [[SQLValue]]) {
        self.columns = columns
        self.rows = rows
    }
}

extension ResultTable {
    /// The formats a table prints in (`sql`, `status`).
    public static let formats: [OutputFormat] = [.table, .csv, .tsv, .json, .jsonl]

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table, .markdown, .html: return renderTable()
        case .csv: return renderDelimited(",")
        case .tsv: return renderDelimited("\t")
        case .json: return renderJSON(lines: false)
        case .jsonl: return renderJSON(lines: true)
        }
    }

    /// Aligned columns; numbers right-aligned; NULL shown empty.
    func renderTable() -> String {
        let columns = self.columns.map(SafeText.terminalCell)
        let cells = rows.map { $0.map { SafeText.terminalCell($0.description) } }
        var widths = columns.map { $0.count }
        for row in cells {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        let numeric = columns.indices.map { i in
            !rows.isEmpty && rows.allSatisfy { row in
                switch row[i] {
                case .integer, .real, .null: return true
                default: return false
                }
            }
        }
        func line(_ values: [String]) -> String {
            values.enumerated().map { i, value in
                let padding = String(repeating: " ", count: widths[i] - value.count)
                return numeric[i] ? padding + value : value + padding
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var out = [line(columns), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += cells.map(line)
        return out.joined(separator: "\n") + "\n"
    }

    /// CSV for spreadsheets (invoice, report, FOCUS export): every text cell also gets OWASP's
    /// formula neutralization (`SafeText.spreadsheetCell`); integers and reals are untouched.
    public func renderSpreadsheetCSV() -> String { renderDelimited(",", neutralizingFormulas: true) }

    /// CSV or TSV. Terminal control characters are removed from every field (the exact value is
    /// in `--format json`, where they are escaped). Formulas are neutralized only when asked:
    /// `warehouse sql --format csv/tsv` is a data tool, like `sqlite3 -csv` and sqlite-utils, whose
    /// output feeds other programs; a leading `'` would change the data they read (a meter named
    /// `-x`, a JSON text starting with `+`), so it prints values as stored. Files meant for
    /// spreadsheets (invoices, reports, exports) are made with `renderSpreadsheetCSV`.
    func renderDelimited(_ separator: Character, neutralizingFormulas: Bool = false) -> String {
        var out = Self.delimitedLine(columns.map(SQLValue.text), separator, neutralizingFormulas: false)
        for row in rows { out += Self.delimitedLine(row, separator, neutralizingFormulas: neutralizingFormulas) }
        return separator == "\t" ? out.replacingOccurrences(of: "\r\n", with: "\n") : out
    }

    /// One line of `renderSpreadsheetCSV`: the header when given the columns as text, else a row.
    /// For output written as it is made (`FocusExport.write`), a line at a time.
    public static func spreadsheetCSVLine(_ values: [SQLValue], header: Bool = false) -> String {
        delimitedLine(values, ",", neutralizingFormulas: !header)
    }

    /// `values` as one CSV or TSV line, ending in CRLF (`renderDelimited` makes TSV's LF).
    static func delimitedLine(_ values: [SQLValue], _ separator: Character, neutralizingFormulas: Bool) -> String {
        let separatorByte = separator.asciiValue ?? 0
        func escape(_ value: String) -> String {
            let field = SafeText.withoutControls(value)
            if separator == "\t" {
                return field.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
            }
            // Bytes, not Foundation's string search (a third of a FOCUS export's time): the four
            // characters that need quoting are ASCII.
            if field.utf8.contains(where: { $0 == separatorByte || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return field
        }
        return values.map { value in
            if neutralizingFormulas, case .text(let text) = value { return escape(SafeText.spreadsheetCell(text)) }
            return escape(value.description)
        }.joined(separator: String(separator)) + "\r\n"
    }

    func renderJSON(lines: Bool) -> String {
        let objects = rows.map { row in JSONValue.members(zip(columns, row).map { ($0, $1.json) }).inline }
        if lines { return objects.map { $0 + "\n" }.joined() }
        if objects.isEmpty { return "[]\n" }
        return "[\n" + objects.map { "  " + $0 }.joined(separator: ",\n") + "\n]\n"
    }
}

extension SQLValue {
    /// The value as JSON: numbers as numbers (a non-finite real as null), a blob as base64 text.
    public var json: JSONValue {
        switch self {
        case .null: return .null
        case .integer(let v): return .number(String(v))
        case .real(let v): return v.isFinite ? .number(String(v)) : .null
        case .text(let t): return .string(t)
        case .blob(let d): return .string(d.base64EncodedString())
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
