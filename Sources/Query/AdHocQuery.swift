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
        if !allowWrite && !statement.isReadOnly {
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
}
