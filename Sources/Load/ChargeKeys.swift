import Foundation
import WarehouseCore

/// The keys of a usage row's `ChargeTerms` (schema version 7): its kind in `charge_kinds` (part
/// of the natural key; 0 for plain usage, which needs no row) and its terms in `charge_terms`
/// (one row per distinct combination; NULL for usage the warehouse prices). Both cached with the
/// connection's other dimension keys, and forgotten with them when it rolls back.
extension DimensionKeys {
    /// `charge_kinds.charge_key` of `charge`'s kind, inserted when new; 0 for plain usage.
    func kindKey(_ charge: ChargeTerms?, in db: Database) throws -> Int64 {
        guard let charge, !charge.isPlainUsage else { return 0 }
        sync(db)
        let kind = charge.kindKey
        if let key = kinds[kind] { return key }
        let key = try Self.existingOrNew(
            select: "SELECT charge_key FROM charge_kinds WHERE charge_type = ? AND pricing_model = ? AND benefit_id = ?", kind,
            insert: "INSERT INTO charge_kinds (charge_type, pricing_model, benefit_id) VALUES (?, ?, ?) RETURNING charge_key", kind, in: db)
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
        let key = try Self.existingOrNew(
            select: "SELECT terms_key FROM charge_terms WHERE " + columns.map { "\($0) IS ?" }.joined(separator: " AND ") + " LIMIT 1", values,
            insert: "INSERT INTO charge_terms (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", "))) RETURNING terms_key",
            values, in: db)
        if terms.count >= Self.limit { terms = [:] }
        terms[values] = key
        return key
    }
}
