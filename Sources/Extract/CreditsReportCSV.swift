import Foundation
import WarehouseCore

/// The ArcGIS Online organization credits report (CSV), parsed defensively: no public sample of
/// its layout exists, so no count of preamble lines is assumed.
///
/// Accepted layout:
/// - Any preamble (report title, org name, period lines...) before the header.
/// - The header is the first record that has a user-name column (`Username`, `User Name`,
///   `user_name`, `User`) and is followed by a record with the same number of fields of which at
///   least one other is a number.
/// - Long form: a service column (`Service Type`, `Service`, `stype`, optionally `etype`) and a
///   credits column (`Credits`, `Credits Used`, `Total Credits`): one value per record.
/// - Wide form: otherwise every numeric column except totals is one service, its header the
///   service's name; a total column is used only when no other numeric column exists.
/// - A date column (`Date`, `Day`, `Start Date`, `Period Start`, `Month`) in `MM/dd/yyyy`,
///   ISO-8601 or `YYYY-MM` gives the interval (a day, or a month for `YYYY-MM`); without one the
///   caller supplies the day.
/// - Records without a user name and summary records (`Total`) are skipped; blank cells are zero.
public struct CreditsReport: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var username: String
        /// The interval's start and end, when the report has a date column.
        public var start: UTCTime?
        public var end: UTCTime?
        /// The service as the report names it (a column header or a service cell).
        public var service: String
        /// `etype` when the report has one.
        public var etype: String?
        public var credits: Decimal
    }

    public var headerLine: Int
    public var rows: [Row]

    /// The most credit columns a wide report may have: a column per service type (a few dozen) or
    /// per day of ArcGIS Online's two years of usage (731) fits; a million columns would become a
    /// million rows per user (issue 17, item 7).
    static let maxCreditColumns = 1_000

    static let userColumn = ["Username", "User Name", "user_name", "User"]
    static let dateColumn = ["Date", "Day", "Start Date", "Period Start", "Month", "Period"]
    static let serviceColumn = ["Service Type", "Service", "stype", "Credit Type"]
    static let etypeColumn = ["etype"]
    static let creditsColumn = ["Credits", "Credits Used", "Credits Consumed", "Total Credits"]
    static let descriptive = ["Full Name", "fullName", "Name", "Email", "Role", "First Name", "Last Name", "Level", "User Type"]

    public static func decode(_ data: Data, file: String) throws -> CreditsReport {
        let table = try CSVTable.parse(try DocumentReader.text(data, file: file), file: file)
        let records = table.records
        guard let h = findHeader(records) else {
            throw DocumentError(
                file: file, message: "no header row found: expected a row with a Username column followed by rows with numeric columns")
        }
        let header = CSVHeader(records[h].fields)
        guard let user = header.index(userColumn) else { throw DocumentError(file: file, message: "no Username column") }
        let date = header.index(dateColumn)
        let data = Array(records[(h + 1)...])

        // Which columns hold the credits, and under which service name.
        var valueColumns: [(index: Int, service: String?)] = []
        let serviceIndex = header.index(serviceColumn), etypeIndex = header.index(etypeColumn)
        if let credits = header.index(creditsColumn), serviceIndex != nil {
            valueColumns = [(credits, nil)]
        } else {
            let skip = Set([user, date, serviceIndex, etypeIndex].compactMap { $0 } + descriptive.compactMap { header.index([$0]) })
            let numeric = header.names.indices.filter { i in
                !skip.contains(i) && data.contains { $0.fields.count > i && ExactDecimal.parse(clean($0.fields[i])) != nil }
                    && data.allSatisfy { $0.fields.count <= i || clean($0.fields[i]).isEmpty || ExactDecimal.parse(clean($0.fields[i])) != nil }
            }
            let totals = numeric.filter { CSVHeader.normalize(header.names[$0]).contains("total") }
            let services = numeric.filter { !totals.contains($0) }
            valueColumns = (services.isEmpty ? totals : services).map { ($0, header.names[$0].trimmingCharacters(in: .whitespaces)) }
        }
        if valueColumns.isEmpty || valueColumns.count > maxCreditColumns {
            let why = valueColumns.isEmpty ? "no credits columns in the header" : "\(valueColumns.count) credits columns; a report has at most \(maxCreditColumns) (one per service type or day)"
            throw DocumentError(file: file, position: "line \(records[h].line)", message: why)
        }

        var rows: [Row] = []
        for record in data {
            func problem(_ message: String) -> DocumentError { DocumentError(file: file, position: "line \(record.line)", message: message) }
            guard record.fields.count == header.names.count else {
                throw problem("expected \(header.names.count) fields, found \(record.fields.count)")
            }
            let name = clean(record.fields[user])
            if name.isEmpty || CSVHeader.normalize(name) == "total" || CSVHeader.normalize(name) == "totals" { continue }
            var start: UTCTime?, end: UTCTime?
            if let date {
                let text = clean(record.fields[date])
                if text.count == 7, let month = UTCTime.parseMonth(text) {
                    (start, end) = (month, month.startOfNextMonth)
                } else if let day = CostExport.parseDate(text) {
                    (start, end) = (day, day.adding(days: 1))
                } else {
                    throw problem("expected a date in \(header.names[date]), found '\(text)'")
                }
            }
            for column in valueColumns {
                let text = clean(record.fields[column.index])
                let value = text.isEmpty ? 0 : try ImportBounds.number(text, in: header.names[column.index], problem: problem)
                let service = column.service ?? serviceIndex.map { clean(record.fields[$0]) } ?? ""
                if service.isEmpty { throw problem("expected a service name") }
                rows.append(
                    Row(
                        line: record.line, username: name, start: start, end: end, service: service,
                        etype: etypeIndex.map { clean(record.fields[$0]) }.flatMap { $0.isEmpty ? nil : $0 }, credits: value))
            }
        }
        return CreditsReport(headerLine: records[h].line, rows: rows)
    }

    /// Thousands separators are dropped (`1,234.5` in a quoted cell).
    static func clean(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")
    }

    static func findHeader(_ records: [CSVTable.Record]) -> Int? {
        for (i, record) in records.enumerated() where record.fields.count >= 2 {
            let header = CSVHeader(record.fields)
            guard let user = header.index(userColumn) else { continue }
            guard let next = records[(i + 1)...].first else { continue }
            if next.fields.count == record.fields.count,
                next.fields.indices.contains(where: { $0 != user && ExactDecimal.parse(clean(next.fields[$0])) != nil })
            {
                return i
            }
        }
        return nil
    }
}
