import Foundation

/// How a command prints, one enum for `sql`, `status`, `invoice` and `report`, named as
/// sqlite-utils names its output options. Each output says which it can print in
/// (`ResultTable.formats`, `Invoice.formats`, `Report.formats`); a command refuses the others with
/// `check` before it reads anything.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, tsv, json, jsonl, markdown, html

    /// Table on a terminal, JSON when piped (what a script wants).
    public static func defaultFor(terminal: Bool) -> OutputFormat { terminal ? .table : .json }

    /// The format a file name asks for (`.html`, `.csv`, `.tsv`, `.md`, `.json`, `.jsonl`), else a table.
    public static func forFile(_ path: String) -> OutputFormat {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "html", "htm": return .html
        case "csv": return .csv
        case "tsv": return .tsv
        case "md", "markdown": return .markdown
        case "json": return .json
        case "jsonl", "ndjson": return .jsonl
        default: return .table
        }
    }

    /// `table, csv, json or html`.
    public static func list(_ formats: [OutputFormat]) -> String {
        let names = formats.map(\.rawValue)
        return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    /// Refuses a format the output cannot print in: one line naming the command and what it takes.
    public static func check(_ format: OutputFormat, among formats: [OutputFormat], command: String) throws {
        guard formats.contains(format) else { throw UnsupportedFormat(format: format, command: command, formats: formats) }
    }
}

/// `--format` names a format the command does not print in.
public struct UnsupportedFormat: Error, CustomStringConvertible, Sendable {
    public let format: OutputFormat
    public let command: String
    public let formats: [OutputFormat]
    public var description: String { "--format \(format.rawValue): \(command) prints \(OutputFormat.list(formats))" }
}
