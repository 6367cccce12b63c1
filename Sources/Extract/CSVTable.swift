import Foundation
import WarehouseCore

/// RFC 4180 CSV: fields separated by commas, records by CRLF or LF; a field in double quotes may
/// hold commas, line breaks and doubled quotes (`""`). A quote inside an unquoted field is kept as
/// text (exports do write `5" disk`); an unterminated quoted field is an error with its line.
/// See https://www.rfc-editor.org/rfc/rfc4180
public struct CSVTable: Sendable, Equatable {
    public struct Record: Sendable, Equatable {
        /// The 1-based line the record starts on.
        public var line: Int
        public var fields: [String]
    }

    public var records: [Record]

    public static func parse(_ text: String, file: String) throws -> CSVTable {
        var records: [Record] = []
        var fields: [String] = []
        var field: [Unicode.Scalar] = []
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quotedField = false
        var quoteLine = 1
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endField() {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: field)
            fields.append(String(s))
            field.removeAll(keepingCapacity: true)
            quotedField = false
        }
        func endRecord() {
            endField()
            // A blank line is no record.
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields.removeAll()
        }

        while let c = pending ?? scalars.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    let next = scalars.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        inQuotes = false
                        pending = next
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case ",":
                endField()
            case "\r":
                let next = scalars.next()
                if next != "\n" { pending = next }
                endRecord()
                line += 1
                recordLine = line
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            case "\"" where field.isEmpty && !quotedField:
                inQuotes = true
                quotedField = true
                quoteLine = line
            default:
                field.append(c)
            }
        }
        if inQuotes {
            throw DocumentError(file: file, position: "line \(quoteLine)", message: "unterminated quoted field, expected '\"'")
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return CSVTable(records: records)
    }
}

/// A CSV header matched by name: case, spaces, `_` and `-` are ignored, and each logical column
/// has aliases (`Cost`, `CostInBillingCurrency`, `costInBillingCurrency`...).
public struct CSVHeader: Sendable {
    public let names: [String]
    let normalized: [String]

    public init(_ names: [String]) {
        self.names = names
        self.normalized = names.map(CSVHeader.normalize)
    }

    static func normalize(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) })
    }

    /// The index of the first alias present, in alias order.
    public func index(_ aliases: [String]) -> Int? {
        for alias in aliases {
            if let i = normalized.firstIndex(of: CSVHeader.normalize(alias)) { return i }
        }
        return nil
    }
}
