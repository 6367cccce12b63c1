import ArgumentParser
import Foundation
import Load
import Postgres
import Query

struct SQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run one SQL statement against the warehouse (read-only unless --write).",
        discussion: """
            Parameters are bound, never pasted into the SQL: warehouse sql "SELECT * FROM invoice_lines WHERE period = :p" -p p 2026-10 \
            Use - as the SQL to read it from standard input.
            """)

    @Argument(help: "The SQL statement, or - to read it from standard input.")
    var sql: String?

    @Option(name: [.customShort("p"), .customLong("param")], parsing: .upToNextOption,
            help: ArgumentHelp("A named parameter: -p NAME VALUE (repeatable).", valueName: "name value"))
    var parameters: [String] = []

    @Option(help: "Output format: table, csv, tsv, json or jsonl (default: table on a terminal, json otherwise).")
    var format: OutputFormat?

    @Flag(help: "Allow statements that change the warehouse.")
    var write = false

    @OptionGroup var database: AnyDatabaseOptions

    /// A format this command does not print in is a wrong argument (exit 64), refused before anything is read.
    func validate() throws {
        if let format { try validateFormat(format, among: ResultTable.formats, command: "sql") }
    }

    func run() async throws {
        try await reportingErrors {
            let chosen = format ?? .defaultFor(terminal: stdoutIsTerminal)
            try OutputFormat.check(chosen, among: ResultTable.formats, command: "sql")
            var pairs = parameters.map(Self.unmarked)
            var text = sql
            // `-p a 1 "SELECT ..."` leaves the SQL at the end of the parameter list.
            if text == nil, pairs.count % 2 == 1 { text = pairs.removeLast() }
            guard pairs.count % 2 == 0 else { throw ValidationError("-p takes a NAME and a VALUE") }
            guard var statement = text else { throw ValidationError("no SQL given (pass it as an argument, or - for stdin)") }
            if statement == "-" {
                statement = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            }
            var bound: [String: SQLValue] = [:]
            for index in stride(from: 0, to: pairs.count, by: 2) {
                bound[pairs[index]] = AdHocQuery.parameterValue(pairs[index + 1])
            }
            let result: ResultTable, changed: Int?
            switch try database.location() {
            case .sqlite(let path):
                let db = write ? try Database.openWarehouse(path: path) : try Database.openWarehouseReadOnly(path: path)
                result = try AdHocQuery.run(db, sql: statement, parameters: bound, allowWrite: write)
                changed = db.changes
            case .postgres(let url):
                let answer = try await PostgresAdHoc.run(url, sql: statement, parameters: bound, allowWrite: write)
                (result, changed) = (answer.table, answer.changed)
            }
            if result.columns.isEmpty {
                if write { FileHandle.standardError.write(Data("\(changed ?? 0) row(s) changed\n".utf8)) }
            } else {
                printOut(result.render(chosen))
            }
        }
    }
}

extension SQLCommand {
    /// Put before a negative number given as a `-p` value, so the parser does not see an option.
    static let negativeMark = "\u{E000}"

    /// `arguments` with each negative number that is the VALUE of `-p NAME VALUE` (or `--param`)
    /// marked, for the `sql` subcommand only.
    static func markingNegativeValues(_ arguments: [String]) -> [String] {
        guard arguments.first == "sql" else { return arguments }
        var out = arguments
        var i = 1
        while i < out.count {
            if out[i] == "-p" || out[i] == "--param", i + 2 < out.count {
                let value = out[i + 2]
                if value.hasPrefix("-"), value.count > 1, Double(value) != nil { out[i + 2] = negativeMark + value }
                i += 3
            } else {
                if out[i] == "--" { break }
                i += 1
            }
        }
        return out
    }

    static func unmarked(_ value: String) -> String {
        value.hasPrefix(negativeMark) ? String(value.dropFirst()) : value
    }
}

extension OutputFormat: ExpressibleByArgument {}
