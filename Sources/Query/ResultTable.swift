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

/// How tables are printed: like sqlite-utils' `--table`, `--csv`, `--tsv`, `--nl` and JSON output.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, tsv, json, jsonl

    /// Table on a terminal, JSON when piped (what a script wants).
    public static func defaultFor(terminal: Bool) -> OutputFormat { terminal ? .table : .json }
}

extension ResultTable {
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table: return renderTable()
        case .csv: return renderDelimited(",")
        case .tsv: return renderDelimited("\t")
        case .json: return renderJSON(lines: false)
        case .jsonl: return renderJSON(lines: true)
        }
    }

    /// Aligned columns; numbers right-aligned; NULL shown empty.
    func renderTable() -> String {
        let cells = rows.map { $0.map(\.description) }
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

    func renderDelimited(_ separator: Character) -> String {
        func escape(_ field: String) -> String {
            if separator == "\t" {
                return field.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
            }
            if field.contains(separator) || field.contains("\"") || field.contains("\n") || field.contains("\r") {
                return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return field
        }
        var out = columns.map(escape).joined(separator: String(separator)) + "\r\n"
        for row in rows {
            out += row.map { escape($0.description) }.joined(separator: String(separator)) + "\r\n"
        }
        return separator == "\t" ? out.replacingOccurrences(of: "\r\n", with: "\n") : out
    }

    func renderJSON(lines: Bool) -> String {
        let objects = rows.map { row in
            "{" + zip(columns, row).map { JSONText.string($0) + ": " + JSONText.value($1) }.joined(separator: ", ") + "}"
        }
        if lines { return objects.map { $0 + "\n" }.joined() }
        if objects.isEmpty { return "[]\n" }
        return "[\n" + objects.map { "  " + $0 }.joined(separator: ",\n") + "\n]\n"
    }
}

/// Minimal, exact JSON text writing (Foundation's encoder reorders keys and rounds through Double).
public enum JSONText {
    public static func string(_ text: String) -> String { JSONString.quoted(text) }

    public static func value(_ value: SQLValue) -> String {
        switch value {
        case .null: return "null"
        case .integer(let v): return String(v)
        case .real(let v): return v.isFinite ? String(v) : "null"
        case .text(let t): return string(t)
        case .blob(let d): return string(d.base64EncodedString())
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
