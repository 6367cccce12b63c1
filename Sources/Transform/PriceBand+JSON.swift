import Foundation
import WarehouseCore

extension PriceBand {
    /// Bands as `charge_scopes.bands` stores them (schema.sql): a JSON array in band order, keys
    /// in this order, every number an exact decimal string, `to` null for the open-ended band:
    /// `[{"from":"0","to":"200","quantity":"200","unit_price":"1","amount":"200"}, ...]`.
    /// Written by hand so the text is byte-stable: re-pricing unchanged data writes nothing.
    public static func json(_ bands: [PriceBand]) -> String {
        var text = "["
        for (index, band) in bands.enumerated() {
            if index > 0 { text += "," }
            text += "{\"from\":\"\(ExactDecimal.format(band.from))\""
            text += ",\"to\":" + (band.to.map { "\"\(ExactDecimal.format($0))\"" } ?? "null")
            text += ",\"quantity\":\"\(ExactDecimal.format(band.quantity))\""
            text += ",\"unit_price\":\"\(ExactDecimal.format(band.unitPrice))\""
            text += ",\"amount\":\"\(ExactDecimal.format(band.amount))\"}"
        }
        return text + "]"
    }
}
