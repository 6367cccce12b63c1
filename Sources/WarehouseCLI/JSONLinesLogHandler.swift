import Foundation
import Logging
import WarehouseCore

/// A swift-log handler that writes one JSON object per line to standard error, for log
/// collectors (journald, Loki, CloudWatch): `{"time":…,"level":…,"label":…,"message":…,…metadata}`.
/// Messages and metadata are already redacted by the clients that log them.
struct JSONLinesLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("time", UTCTime.now().iso8601), ("level", event.level.rawValue), ("label", label), ("message", event.message.description),
        ]
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        for key in all.keys.sorted() { fields.append((key, all[key].map { "\($0)" } ?? "")) }
        Self.write(fields)
    }

    /// One JSON object of string members, on one line of standard error.
    static func write(_ fields: [(String, String)]) {
        let body = fields.map { "\(JSONString.quoted($0.0)):\(JSONString.quoted($0.1))" }.joined(separator: ",")
        FileHandle.standardError.write(Data("{\(body)}\n".utf8))
    }
}
