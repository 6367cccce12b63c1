import CSQLite
import Foundation

/// A failure reported by SQLite: its result code, its message, and the statement that failed
/// (the SQL text only: bound values never appear, so secrets and personal data stay out of logs).
public struct SQLiteError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The extended result code (e.g. 2067 = SQLITE_CONSTRAINT_UNIQUE).
    public let code: Int32
    public let message: String
    public let statement: String?

    public init(code: Int32, message: String, statement: String? = nil) {
        self.code = code
        self.message = message
        self.statement = statement
    }

    /// The primary result code (SQLITE_CONSTRAINT = 19, SQLITE_BUSY = 5, ...).
    public var primaryCode: Int32 { code & 0xff }

    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }
    public var isConstraint: Bool { primaryCode == SQLITE_CONSTRAINT }
    public var isReadOnly: Bool { primaryCode == SQLITE_READONLY }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let statement {
            let oneLine = statement.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .joined(separator: " ")
            text += " in: " + (oneLine.count > 200 ? String(oneLine.prefix(200)) + "..." : oneLine)
        }
        return text
    }
}

extension SQLiteError {
    /// Turns a SQLite return code into a thrown error when it is not SQLITE_OK. Every call into
    /// the C API goes through here, so no return code goes unchecked. (A plain comparison: the
    /// `Set` of accepted codes it once took was allocated on every bind, two million times per
    /// million rows written.)
    @inline(__always)
    static func check(_ code: Int32, _ db: OpaquePointer?, _ statement: String? = nil) throws {
        if code == SQLITE_OK { return }
        throw SQLiteError(code: db.map { sqlite3_extended_errcode($0) } ?? code, message: errorMessage(db, code), statement: statement)
    }

    static func errorMessage(_ db: OpaquePointer?, _ code: Int32) -> String {
        if let db, let text = sqlite3_errmsg(db) { return String(cString: text) }
        if let text = sqlite3_errstr(code) { return String(cString: text) }
        return "unknown error"
    }
}
