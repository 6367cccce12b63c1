import Foundation
import WarehouseCore

/// The FinOps toolkit's open data files, which Microsoft's FOCUS conversion
/// (https://learn.microsoft.com/cloud-computing/finops/focus/convert, finops-toolkit
/// `docs-mslearn/focus/convert.md`) maps Cost Management columns through: Services.csv
/// (ConsumedService and resource type to ServiceName, ServiceCategory, ServiceSubcategory),
/// PricingUnits.csv (UnitOfMeasure to DistinctUnits and PricingBlockSize), Regions.csv
/// (ResourceLocation to RegionId and RegionName) and ResourceTypes.csv (resource type to its
/// SingularDisplayName). Vendored in Sources/Query/OpenData (MIT; LICENSE and SOURCE, the commit,
/// beside them), embedded at build time by the EmbedOpenData plugin, parsed once on first use.
enum OpenData {
    struct PricingUnit: Sendable, Equatable {
        var distinctUnits: String
        var blockSize: Decimal
    }

    struct Region: Sendable, Equatable {
        var id: String
        var name: String
    }

    struct Service: Sendable, Equatable {
        var name: String
        var category: String
        var subcategory: String
        var publisher: String
    }

    /// PricingUnits.csv by UnitOfMeasure exactly as the export writes it (`1 Hour`, `10K`).
    static let pricingUnits: [String: PricingUnit] = {
        var units: [String: PricingUnit] = [:]
        for row in table(OpenDataPricingUnitsCSV.text) {
            guard let unit = row["UnitOfMeasure"], let size = row["PricingBlockSize"].flatMap(ExactDecimal.parse) else { continue }
            units[unit] = units[unit] ?? PricingUnit(distinctUnits: row["DistinctUnits"] ?? unit, blockSize: size)
        }
        return units
    }()

    /// Regions.csv by lower-cased OriginalValue (`eastus2`, `us east 2`).
    static let regions: [String: Region] = {
        var regions: [String: Region] = [:]
        for row in table(OpenDataRegionsCSV.text) {
            guard let original = row["OriginalValue"], let id = row["RegionId"], let name = row["RegionName"] else { continue }
            regions[original.lowercased()] = Region(id: id, name: name)
        }
        return regions
    }()

    /// ResourceTypes.csv: SingularDisplayName by lower-cased resource type.
    static let resourceTypes: [String: String] = {
        var types: [String: String] = [:]
        for row in table(OpenDataResourceTypesCSV.text) {
            guard let type = row["ResourceType"], let name = row["SingularDisplayName"] else { continue }
            types[type.lowercased()] = name
        }
        return types
    }()

    struct Services: Sendable {
        var exact: [String: Service] = [:], byType: [String: Service] = [:], byConsumedService: [String: Service] = [:]
        var byName: [String: Service] = [:]
    }

    /// Services.csv rows, keys lower-cased: by "consumedservice|resourcetype", and the first row of
    /// each resource type, consumed service and service name, for lookups that know less.
    static let services: Services = {
        var services = Services()
        for row in table(OpenDataServicesCSV.text) {
            guard let name = row["ServiceName"], let category = row["ServiceCategory"] else { continue }
            let service = Service(
                name: name, category: category, subcategory: row["ServiceSubcategory"] ?? "Other (\(category))",
                publisher: row["PublisherName"] ?? "Microsoft")
            let consumed = (row["ConsumedService"] ?? "").lowercased(), type = (row["ResourceType"] ?? "").lowercased()
            services.exact["\(consumed)|\(type)"] = services.exact["\(consumed)|\(type)"] ?? service
            if !type.isEmpty { services.byType[type] = services.byType[type] ?? service }
            if !consumed.isEmpty { services.byConsumedService[consumed] = services.byConsumedService[consumed] ?? service }
            services.byName[name.lowercased()] = services.byName[name.lowercased()] ?? service
        }
        return services
    }()

    /// The records of a CSV file as header-name to value (empty fields left out).
    static func table(_ text: String) -> [[String: String]] {
        let records = CSVRecords.parse(text)
        guard let header = records.first else { return [] }
        return records.dropFirst().map { fields in
            var row: [String: String] = [:]
            for (name, value) in zip(header, fields) where !value.isEmpty { row[name] = value }
            return row
        }
    }
}

/// RFC 4180 records: quoted fields with doubled quotes, CRLF or LF line ends, a leading byte order
/// mark dropped. Public so that tests read Microsoft's sample exports with the same reader.
public enum CSVRecords {
    public static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = [], fields: [String] = [], field: [UInt8] = []
        var quoted = false, afterQuote = false
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        func endField() { fields.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true) }
        func endRecord() {
            endField()
            if fields != [""] { records.append(fields) }
            fields = []
        }
        for byte in bytes {
            if quoted {
                if byte == UInt8(ascii: "\"") { quoted = false; afterQuote = true } else { field.append(byte) }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                if afterQuote { field.append(byte) }
                quoted = true
            case UInt8(ascii: ","): endField()
            case UInt8(ascii: "\n"): endRecord()
            case UInt8(ascii: "\r"): break
            default: field.append(byte)
            }
            afterQuote = false
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
