import Foundation
import Load

/// `warehouse sql`: one statement, parameters bound by name (never pasted into the text), and
/// read-only unless the caller asks to write.
public enum AdHocQuery {
    public struct NotAllowed: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `sql` with named `parameters`. Without `allowWrite`, any statement that could change
    /// the file is refused before it runs (the connection is also opened read-only by the caller).
    public static func run(_ db: Database, sql: String, parameters: [String: SQLValue], allowWrite: Bool) throws -> ResultTable {
        let statement = try db.prepare(sql)
        if !allowWrite && !statement.isReadOnly && !isReadingPragma(sql) {
            throw NotAllowed(description: "this statement writes to the warehouse; add --write to allow it")
        }
        try statement.bind(named: parameters)
        let columns = statement.columnNames
        var rows: [[SQLValue]] = []
        try statement.forEachRow { rows.append($0.values) }
        return ResultTable(columns: columns, rows: rows)
    }

    /// A `-p NAME VALUE` value as bound: whole numbers written canonically bind as integers (so
    /// `LIMIT :n` and comparisons with integer columns work), everything else as text.
    public static func parameterValue(_ text: String) -> SQLValue {
        if let number = Int64(text), String(number) == text { return .integer(number) }
        return .text(text)
    }

    /// PRAGMAs that only read when given no value: SQLite marks every PRAGMA as not read-only
    /// (`sqlite3_stmt_readonly`), yet `PRAGMA journal_mode` or `PRAGMA table_info(usage)` changes
    /// nothing. Allowed: one of these names, optionally schema-qualified, with no `=` value; the
    /// parenthesized argument only for those whose argument names a table or index (for the
    /// others, `PRAGMA journal_mode(WAL)` would set it). The connection is read-only regardless.
    static func isReadingPragma(_ sql: String) -> Bool {
        var text = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix(";") { text = String(text.dropLast()).trimmingCharacters(in: .whitespacesAndNewlines) }
        guard text.lowercased().hasPrefix("pragma"), !text.contains("=") else { return false }
        let rest = text.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard text.dropFirst(6).first?.isWhitespace == true else { return false }
        var name = rest, argument = false
        if let open = rest.firstIndex(of: "(") {
            guard rest.hasSuffix(")") else { return false }
            name = rest[..<open].trimmingCharacters(in: .whitespaces)
            argument = true
        }
        if let dot = name.lastIndex(of: ".") { name = String(name[name.index(after: dot)...]) }
        name = name.lowercased()
        guard name.allSatisfy({ $0.isLetter || $0 == "_" }) else { return false }
        return argument ? readingPragmasWithArgument.contains(name) : readingPragmas.contains(name) || readingPragmasWithArgument.contains(name)
    }

    static let readingPragmas: Set<String> = [
        "application_id", "auto_vacuum", "busy_timeout", "cache_size", "collation_list", "compile_options", "data_version",
        "database_list", "encoding", "foreign_keys", "freelist_count", "function_list", "journal_mode", "journal_size_limit",
        "locking_mode", "mmap_size", "module_list", "page_count", "page_size", "pragma_list", "schema_version", "synchronous",
        "table_list", "temp_store", "user_version", "wal_autocheckpoint",
    ]
    static let readingPragmasWithArgument: Set<String> = [
        "foreign_key_check", "foreign_key_list", "index_info", "index_list", "index_xinfo", "integrity_check", "quick_check",
        "table_info", "table_list", "table_xinfo",
    ]
}
