import Foundation
import WarehouseCore

extension UtilizationPageDecoder {
    /// One `AzureUtilizationRecord`, as `PartnerCenterUtilizationPage.decodeRecord` reads it;
    /// `selfURI` takes an item-level `links.self.uri` (the documentation sample's quirk).
    static func readRecord(_ c: inout Cursor, selfURI: inout String?) throws(Bail) -> AzureUsageRecord {
        var seen: UInt8 = 0
        var start: UTCTime?
        var end: UTCTime?
        var meter: Meter?
        var quantity: Decimal?
        var unit: String?
        var instance = Instance()
        var infoFields: JSONObject?
        try Cursor.object(&c) { c, k throws(Bail) in
            if c.matches(k, "usageStartTime") {
                try once(&seen, 1)
                start = try time(&c)
            } else if c.matches(k, "usageEndTime") {
                try once(&seen, 2)
                end = try time(&c)
            } else if c.matches(k, "resource") {
                try once(&seen, 4)
                meter = try readMeter(&c)
            } else if c.matches(k, "quantity") {
                try once(&seen, 8)
                quantity = try decimal(&c)
            } else if c.matches(k, "unit") {
                try once(&seen, 16)
                unit = try c.optionalString()
            } else if c.matches(k, "instanceData") {
                try once(&seen, 32)
                instance = try readInstance(&c)
            } else if c.matches(k, "infoFields") {
                try once(&seen, 64)
                infoFields = try optionalObject(&c)
            } else if c.matches(k, "links") {
                try once(&seen, 128)
                if let uri = try readItemSelfURI(&c) { selfURI = uri }
            } else {
                try c.skipValue()
            }
        }
        guard let start, let end, let meter, let quantity else { throw Bail() }
        return AzureUsageRecord(
            usageStart: start, usageEnd: end, meterID: meter.id, meterName: meter.name, meterCategory: meter.category,
            meterSubcategory: meter.subcategory, meterRegion: meter.region, quantity: quantity, unit: unit,
            resourceURI: instance.resourceURI, location: instance.location, tags: instance.tags ?? JSONObject(),
            additionalInfo: instance.additionalInfo, infoFields: infoFields)
    }

    struct Meter {
        var id: String
        var name, category, subcategory, region: String?
    }

    /// `resource`: required, an object with a string `id`. (Written out rather than through
    /// `strings`: it runs once per record and must not allocate arrays.)
    static func readMeter(_ c: inout Cursor) throws(Bail) -> Meter {
        var seen: UInt8 = 0
        var id, name, category, subcategory, region: String?
        try Cursor.object(&c) { c, k throws(Bail) in
            if c.matches(k, "id") {
                try once(&seen, 1)
                id = try c.optionalString()
            } else if c.matches(k, "name") {
                try once(&seen, 2)
                name = try c.optionalString()
            } else if c.matches(k, "category") {
                try once(&seen, 4)
                category = try c.optionalString()
            } else if c.matches(k, "subcategory") {
                try once(&seen, 8)
                subcategory = try c.optionalString()
            } else if c.matches(k, "region") {
                try once(&seen, 16)
                region = try c.optionalString()
            } else {
                try c.skipValue()
            }
        }
        guard let id else { throw Bail() }
        return Meter(id: id, name: name, category: category, subcategory: subcategory, region: region)
    }

    struct Instance {
        var resourceURI, location: String?
        var tags, additionalInfo: JSONObject?
    }

    /// `instanceData`: null or an object.
    static func readInstance(_ c: inout Cursor) throws(Bail) -> Instance {
        var instance = Instance()
        if try c.null() { return instance }
        var seen: UInt8 = 0
        try Cursor.object(&c) { c, k throws(Bail) in
            if c.matches(k, "resourceUri") {
                try once(&seen, 1)
                instance.resourceURI = try c.optionalString()
            } else if c.matches(k, "location") {
                try once(&seen, 2)
                instance.location = try c.optionalString()
            } else if c.matches(k, "tags") {
                try once(&seen, 4)
                instance.tags = try optionalObject(&c)
            } else if c.matches(k, "additionalInfo") {
                try once(&seen, 8)
                instance.additionalInfo = try optionalObject(&c)
            } else {
                try c.skipValue()
            }
        }
        return instance
    }

    /// An item's `links`: null, or an object whose `self` is null or an object whose `uri` is
    /// null or a string.
    static func readItemSelfURI(_ c: inout Cursor) throws(Bail) -> String? {
        if try c.null() { return nil }
        var uri: String?
        var seen: UInt8 = 0
        try Cursor.object(&c) { c, k throws(Bail) in
            guard c.matches(k, "self") else { return try c.skipValue() }
            try once(&seen, 1)
            if try c.null() { return }
            uri = try strings(&c, ["uri"])[0]
        }
        return uri
    }
}
