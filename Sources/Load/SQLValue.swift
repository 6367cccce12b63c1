import Foundation

/// A value bound to or read from SQLite. Money is `.integer` (micro-units); exact decimals are `.text`.
public enum SQLValue: Equatable, Hashable, Sendable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    public var description: String {
        switch self {
        case .null: return ""
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let v): return v
        case .blob(let d): return "<\(d.count) bytes>"
        }
    }

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var int64: Int64? {
        switch self {
        case .integer(let v): return v
        case .text(let t): return Int64(t)
        case .real(let d): return Int64(exactly: d)
        default: return nil
        }
    }

    public var string: String? {
        switch self {
        case .null: return nil
        case .blob(let d): return String(data: d, encoding: .utf8)
        default: return description
        }
    }
}

/// Anything that can be bound as a statement parameter.
public protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

extension SQLValue: SQLBindable { public var sqlValue: SQLValue { self } }
extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Substring: SQLBindable { public var sqlValue: SQLValue { .text(String(self)) } }
extension Int: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .integer(self) } }
extension Int32: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension Data: SQLBindable { public var sqlValue: SQLValue { .blob(self) } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}
