import Foundation
import WarehouseCore

/// The state of one utilization paging, carried in Partner Center's `MS-ContinuationToken`.
///
/// Shaped like the real token (`/{partner}/usage-records?entitlement_id=…&reported_start_time=
/// 2015-12-02+00%3a00%3a00Z&…&continuation_token=…`): it contains `+`, `%3a` and `=`, so a client
/// that decodes, re-encodes or trims it breaks, and the sandbox refuses anything but the exact
/// bytes it sent (the token is rebuilt from its fields and compared, and carries a MAC).
struct UtilizationWindow {
    var subscriptionID: String
    var start: UTCTime
    var end: UTCTime
    var size: Int
    var details: Bool
    var offset: Int

    init(subscriptionID: String, start: UTCTime, end: UTCTime, size: Int, details: Bool, offset: Int) {
        self.subscriptionID = subscriptionID
        self.start = start
        self.end = end
        self.size = size
        self.details = details
        self.offset = offset
    }

    func token(_ sandbox: SandboxState) -> String {
        let fields = "\(subscriptionID.lowercased())|\(start.seconds)|\(end.seconds)|\(size)|\(details)|\(offset)"
        let continuation = Data("\(offset):\(sandbox.mac(fields))".utf8).base64EncodedString()
        return "/\(sandbox.configuration.tenant)/usage-records?entitlement_id=\(subscriptionID.lowercased())"
            + "&reported_start_time=\(Self.reported(start))&reported_end_time=\(Self.reported(end))&count=\(size)"
            + "&show_details=\(details ? "True" : "False")&error_if_not_processed=True&granularity=Daily"
            + "&continuation_token=\(continuation)"
    }

    /// Parses a token and accepts it only if rebuilding it gives the same bytes.
    init?(token: String, subscriptionID: String, _ sandbox: SandboxState) {
        guard let q = token.firstIndex(of: "?") else { return nil }
        var fields: [String: String] = [:]
        for pair in token[token.index(after: q)...].split(separator: "&") {
            guard let eq = pair.firstIndex(of: "=") else { return nil }
            fields[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
        }
        guard fields["entitlement_id"] == subscriptionID.lowercased(),
            let start = fields["reported_start_time"].flatMap(Self.parseReported),
            let end = fields["reported_end_time"].flatMap(Self.parseReported),
            let size = fields["count"].flatMap({ Int($0) }),
            let continuation = fields["continuation_token"].flatMap({ Data(base64Encoded: $0) }),
            let offsetText = String(decoding: continuation, as: UTF8.self).split(separator: ":").first,
            let offset = Int(offsetText)
        else { return nil }
        self.init(subscriptionID: subscriptionID, start: start, end: end, size: size, details: fields["show_details"] == "True", offset: offset)
        guard self.token(sandbox) == token else { return nil }
    }

    /// `2015-12-02+00%3a00%3a00Z`, the odd form-encoded time of the real token.
    static func reported(_ t: UTCTime) -> String {
        t.iso8601.replacingOccurrences(of: "T", with: "+").replacingOccurrences(of: ":", with: "%3a")
    }

    static func parseReported(_ text: String) -> UTCTime? {
        UTCTime.parse(text.replacingOccurrences(of: "+", with: "T").replacingOccurrences(of: "%3a", with: ":"))
    }
}
