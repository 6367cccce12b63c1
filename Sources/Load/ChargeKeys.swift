import Foundation
import WarehouseCore

/// The keys of a usage row's `ChargeTerms` (schema version 7): its kind in `charge_kinds` (part
/// of the natural key; 0 for plain usage, which needs no row) and its terms in `charge_terms`
/// (one row per distinct combination; NULL for usage the warehouse prices). Both cached per
/// store, and forgotten when the connection rolls back (the rows a rolled-back transaction
/// inserted no longer exist).
final class ChargeKeys {
    private var kinds: [[String]: Int64] = [:]
    private var terms: [[String?]: Int64] = [:]
    private var rollbacks: Int?

    /// `charge_kinds.charge_key` of `charge`'s kind, inserted when new; 0 for plain usage.
    func kindKey(_ charge: ChargeTerms?, in db: Database) throws -> Int64 {
        guard let charge, !charge.isPlainUsage else { return 0 }
        sync(db)
        let kind = charge.kindKey
        if let key = kinds[kind] { return key }
        let key = try existingOrNew(
            select: "SELECT charge_key FROM charge_kinds WHERE charge_type = ? AND pricing_model = ? AND benefit_id = ?",
            insert: "INSERT INTO charge_kinds (charge_type, pricing_model, benefit_id) VALUES (?, ?, ?)", values: kind, in: db)
        kinds[kind] = key
        return key
    }

    /// `charge_terms.terms_key` of `charge`'s terms, inserted when new; nil without terms.
    func termsKey(_ charge: ChargeTerms?, in db: Database) throws -> Int64? {
        guard let charge else { return nil }
        sync(db)
        let values = charge.termValues
        if let key = terms[values] { return key }
        let columns = ChargeTerms.termColumns
        let key = try existingOrNew(
            select: "SELECT terms_key FROM charge_terms WHERE " + columns.map { "\($0) IS ?" }.joined(separator: " AND ") + " LIMIT 1",
            insert: "INSERT INTO charge_terms (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
            values: values, in: db)
        if terms.count >= DimensionKeys.limit { terms = [:] }
        terms[values] = key
        return key
    }

    private func existingOrNew(select: String, insert: String, values: [String?], in db: Database) throws -> Int64 {
        if let key = try db.cached(select).bind(values).first({ $0.int64(0) }) { return key }
        try db.cached(insert).bind(values).run()
        return db.lastInsertRowID
    }

    private func sync(_ db: Database) {
        guard rollbacks != db.rollbackCount else { return }
        if rollbacks != nil {
            kinds = [:]
            terms = [:]
        }
        rollbacks = db.rollbackCount
    }
}
