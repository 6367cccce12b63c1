import Foundation
import WarehouseCore
import Load

extension Report {
    /// The formats a report prints in.
    public static let formats: [OutputFormat] = [.table, .csv, .json, .markdown]

    /// - table: a title and aligned columns per section.
    /// - csv: per section a `# name` line, the header and rows (RFC 4180), sections separated by a blank line.
    /// - json: `{"report", "period", "sections": {name: [row objects]}}`, every figure an exact decimal string.
    /// - markdown: a heading and a pipe table per section.
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .html:
            return ReportHTMLRenderer(report: self).render()
        case .table, .tsv, .jsonl:
            return sections.map { section in
                let body = section.rows.isEmpty
                    ? "(none)\n"
                    : TextTable.render([section.columns] + section.rows.map { $0.map { $0 ?? "" } }, rightAligned: section.numeric, rulesBefore: [1])
                return section.title + "\n" + body
            }.joined(separator: "\n")
        case .csv:
            return sections.map { section in
                "# \(section.name)\r\n" + ResultTable(columns: section.columns, rows: section.rows.map { $0.map { $0.map(SQLValue.text) ?? .null } }).renderSpreadsheetCSV()
            }.joined(separator: "\r\n")
        case .json:
            return JSONValue.members([
                ("report", .string(kind.rawValue)),
                ("period", .string(period.description)),
                ("sections", .members(sections.map { section in
                    (section.name, .array(section.rows.map { row in
                        .members(zip(section.columns, row).map { ($0, JSONValue.text($1)) })
                    }))
                })),
            ]).pretty() + "\n"
        case .markdown:
            return sections.map { section in
                var out = "## \(Self.markdownCell(section.title))\n\n"
                if section.rows.isEmpty { return out + "(none)\n" }
                out += "| " + section.columns.map(Self.markdownCell).joined(separator: " | ") + " |\n|"
                out += section.columns.indices.map { section.numeric.contains($0) ? "---:" : "---" }.joined(separator: "|") + "|\n"
                for row in section.rows {
                    out += "| " + row.map { Self.markdownCell($0 ?? "") }.joined(separator: " | ") + " |\n"
                }
                return out
            }.joined(separator: "\n")
        }
    }

    /// A Markdown table cell: HTML escaped, no control characters or line breaks, `|` escaped.
    static func markdownCell(_ text: String) -> String {
        SafeText.html(SafeText.terminalCell(text)).replacingOccurrences(of: "|", with: "\\|")
    }
}
