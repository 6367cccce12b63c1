import ArgumentParser
import Foundation
import Load

/// `--db PATH`, shared by every command that touches the warehouse.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The warehouse file (default: $WAREHOUSE_DB, else ./warehouse.db).", valueName: "path"))
    var db: String?

    /// --db, else $WAREHOUSE_DB, else ./warehouse.db.
    var path: String {
        if let db, !db.isEmpty { return db }
        if let env = ProcessInfo.processInfo.environment["WAREHOUSE_DB"], !env.isEmpty { return env }
        return "warehouse.db"
    }

    func openForWriting() throws -> Database { try Database.openWarehouse(path: path) }

    func openForReading() throws -> Database { try Database.openWarehouseReadOnly(path: path) }
}
