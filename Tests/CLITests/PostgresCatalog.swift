import Foundation
import Load
import Postgres

/// A warehouse's shape as its database's own catalog tells it, read the same way from SQLite
/// (sqlite_master, pragma table_info and index_list) and from PostgreSQL (information_schema,
/// pg_index), so the two can be compared whatever version the schema is at.
struct SchemaShape: Equatable {
    struct Column: Equatable, CustomStringConvertible {
        var name: String
        /// integer, text or blob: what SQLite's affinity rules make of the declared type.
        var kind: String
        var notNull: Bool
        /// Compared ignoring case (SQLite COLLATE NOCASE, PostgreSQL citext).
        var noCase: Bool
        /// PostgreSQL's type name (`int8`, `citext`, `numeric`, `timestamptz`…); empty for SQLite.
        var type = ""
        var description: String { "\(name) \(kind)\(notNull ? " not null" : "")\(noCase ? " nocase" : "")" }
    }

    var tables: [String: [Column]] = [:]
    var views: [String: [String]] = [:]
    /// Each table's primary and unique keys, each a sorted list of column names.
    var uniqueKeys: [String: Set<[String]>] = [:]
    /// Each table's foreign keys: (columns, referenced table).
    var foreignKeys: [String: [([String], String)]] = [:]
    /// SQLite only: each table's primary key columns.
    var primaryKeys: [String: [String]] = [:]

    static func == (a: SchemaShape, b: SchemaShape) -> Bool {
        a.tables == b.tables && a.views == b.views && a.uniqueKeys == b.uniqueKeys
    }

    /// What would stop Citus from distributing the large tables by `column`: a primary or unique
    /// key of one without it, or a foreign key between two of them not on it. Empty when none.
    func citusProblems(distributed: [String], column: String) -> [String] {
        var problems: [String] = []
        for table in distributed {
            let keys = uniqueKeys[table] ?? []
            if keys.isEmpty { problems.append("\(table) has no primary key") }
            for key in keys.sorted(by: { $0.joined() < $1.joined() }) where !key.contains(column) {
                problems.append("\(table): key (\(key.joined(separator: ", "))) lacks \(column)")
            }
            for (columns, target) in foreignKeys[table] ?? [] where distributed.contains(target) && !columns.contains(column) {
                problems.append("\(table) → \(target) on (\(columns.joined(separator: ", "))) lacks \(column)")
            }
        }
        return problems
    }
}

extension SchemaShape {
    static func sqlite(_ db: Database) throws -> SchemaShape {
        var shape = SchemaShape()
        let objects = try db.prepare("SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND type IN ('table', 'view')")
            .map { ($0.string(0), $0.string(1), $0.string(2)) }
        for (type, name, sql) in objects {
            let info = try db.prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid").bind(name)
                .map { ($0.string(0), $0.string(1).uppercased(), $0.int(2) != 0, $0.int(3)) }
            if type == "view" {
                shape.views[name] = info.map(\.0)
                continue
            }
            shape.tables[name] = info.map { column, declared, notNull, _ in
                let kind = declared.contains("INT") ? "integer" : declared.contains("TEXT") || declared.contains("CHAR") ? "text" : "blob"
                let noCase = sql.range(of: #"(?m)^\s*\#(column)\s+TEXT\b[^,\n]*COLLATE NOCASE"#, options: [.regularExpression, .caseInsensitive]) != nil
                return Column(name: column, kind: kind, notNull: notNull, noCase: noCase)
            }
            var keys = Set<[String]>()
            let primary = info.filter { $0.3 > 0 }.map(\.0)
            if !primary.isEmpty { keys.insert(primary.sorted()) }
            shape.primaryKeys[name] = primary
            let indexes = try db.prepare("SELECT name FROM pragma_index_list(?) WHERE \"unique\" = 1").bind(name).map { $0.string(0) }
            for index in indexes {
                keys.insert(try db.prepare("SELECT name FROM pragma_index_info(?)").bind(index).map { $0.string(0) }.sorted())
            }
            shape.uniqueKeys[name] = keys
            shape.foreignKeys[name] = try Dictionary(grouping: db.prepare("SELECT id, \"table\", \"from\" FROM pragma_foreign_key_list(?)").bind(name)
                .map { ($0.int(0), $0.string(1), $0.string(2)) }, by: \.0).values.map { ($0.map(\.2).sorted(), $0[0].1) }
        }
        return shape
    }

    static func postgres(_ session: PostgresSession) async throws -> SchemaShape {
        var shape = SchemaShape()
        for row in try await session.rows(
            "SELECT table_name::text, table_type::text FROM information_schema.tables WHERE table_schema = current_schema()")
        {
            let name = row[0].string ?? "", isView = row[1].string == "VIEW"
            let columns = try await session.rows(
                "SELECT column_name::text, data_type::text, udt_name::text, is_nullable::text FROM information_schema.columns "
                    + "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position", [.text(name)])
            if isView {
                shape.views[name] = columns.map { $0[0].string ?? "" }
                continue
            }
            shape.tables[name] = columns.map { c in
                let type = c[1].string ?? "", udt = c[2].string ?? ""
                // numeric, timestamptz and date hold what SQLite keeps as TEXT (schema version 8).
                let textual = ["text", "numeric", "timestamp with time zone", "date"].contains(type) || udt == "citext"
                let kind = ["bigint", "integer", "smallint"].contains(type) ? "integer" : type == "bytea" ? "blob" : textual ? "text" : type
                return Column(name: c[0].string ?? "", kind: kind, notNull: c[3].string == "NO", noCase: udt == "citext", type: udt)
            }
            shape.uniqueKeys[name] = Set(try await session.rows(
                "SELECT array_to_string(ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) ORDER BY 1), ',') "
                    + "FROM pg_index i WHERE i.indisunique AND i.indrelid = to_regclass($1)", [.text(name)]
            ).map { ($0[0].string ?? "").split(separator: ",").map(String.init).sorted() })
            shape.foreignKeys[name] = try await session.rows(
                "SELECT array_to_string(ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) ORDER BY 1), ','), "
                    + "c.confrelid::regclass::text FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = to_regclass($1)", [.text(name)]
            ).map { (($0[0].string ?? "").split(separator: ",").map(String.init).sorted(), $0[1].string ?? "") }
        }
        return shape
    }
}
