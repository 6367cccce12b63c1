import Foundation
import WarehouseCore

/// Azure Commerce (direct subscriptions) on the Resource Manager path:
/// `UsageAggregates` (`reportedStartTime`/`reportedEndTime`, `nextLink` with `continuationToken`,
/// `instanceData` as a JSON string, 202 when not ready) and `RateCard` (all four `$filter` terms).
/// Shapes from contracts/azure.md §2 and the 2015-06-01-preview specification.
/// https://learn.microsoft.com/previous-versions/azure/reference/mt219001(v=azure.100)
public struct AzureCommerceRoutes: SandboxRoutes {
    public static let apiVersion = "2015-06-01-preview"
    static let pageSize = 1000
    /// The rate card's Monetary Commitment discount, in percent (`TieredDiscount`).
    public static let commitmentDiscountPercent = "10"

    public init() {}

    public func respond(to request: SandboxRequest, in sandbox: SandboxState) async -> SandboxResponse? {
        let s = request.segments
        guard s.count == 5, s[0] == "subscriptions", s[2] == "providers",
            s[3].caseInsensitiveCompare("Microsoft.Commerce") == .orderedSame, request.method == "GET"
        else { return nil }
        let common: SandboxFaults = [.throttle, .serverError, .truncatedBody, .malformedJSON, .slow]
        switch s[4].lowercased() {
        case "usageaggregates":
            return await sandbox.serve(request, api: .resourceManager, allowing: common.union(.notReady), notReadyStatus: 202) {
                usage(request, subscriptionID: s[1], sandbox)
            }
        case "ratecard":
            return await sandbox.serve(request, api: .resourceManager, allowing: common) { rateCard(request, sandbox) }
        default:
            return sandbox.resourceManagerError(404, code: "InvalidResourceType", "The resource type '\(s[4])' could not be found in the namespace 'Microsoft.Commerce'.")
        }
    }

    private func checkVersion(_ q: [String: String], _ sandbox: SandboxState) -> SandboxResponse? {
        guard let version = q["api-version"] else {
            return sandbox.resourceManagerError(400, code: "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
        }
        guard version == Self.apiVersion else {
            return sandbox.resourceManagerError(400, code: "InvalidApiVersionParameter", "The api-version '\(version)' is invalid. The supported versions are '\(Self.apiVersion)'.")
        }
        return nil
    }

    // MARK: UsageAggregates

    private func usage(_ request: SandboxRequest, subscriptionID: String, _ sandbox: SandboxState) -> SandboxResponse {
        let q = request.query
        if let error = checkVersion(q, sandbox) { return error }
        let org = sandbox.organization
        guard let sub = org.directSubscriptions.first(where: { $0.id.caseInsensitiveCompare(subscriptionID) == .orderedSame }) else {
            return sandbox.resourceManagerError(404, code: "SubscriptionNotFound", "The subscription '\(subscriptionID)' could not be found.")
        }
        guard let startText = q["reportedStartTime"], let endText = q["reportedEndTime"],
            let start = UTCTime.parse(startText), let end = UTCTime.parse(endText), start < end
        else {
            return sandbox.resourceManagerError(400, code: "InvalidInput", "reportedStartTime and reportedEndTime are required ISO 8601 times, start before end.")
        }
        let details = (q["showDetails"] ?? "true").lowercased() != "false"
        let granularity = q["aggregationGranularity"] ?? "Daily"
        guard ["daily", "hourly"].contains(granularity.lowercased()) else {
            return sandbox.resourceManagerError(400, code: "InvalidInput", "aggregationGranularity must be Daily or Hourly.")
        }
        let hourly = granularity.lowercased() == "hourly"
        let mode = "\(hourly ? "Hourly" : "Daily")|\(details)"
        var offset = 0
        if let token = q["continuationToken"] {
            guard let parsed = parseToken(token, sub: sub.id, start: start, end: end, mode: mode, sandbox) else {
                sandbox.countRejectedContinuation()
                return sandbox.resourceManagerError(400, code: "InvalidContinuationToken", "The continuation token is not valid.")
            }
            offset = parsed
        }
        let view = UsageAggregatesView(sandbox.answer(sub, from: start, to: end), details: details, hourly: hourly)
        let total = view.count
        let upper = min(total, offset + Self.pageSize)
        var w = JSONWriter(capacity: 900 * max(1, upper - offset))
        w.beginObject()
        w.array("value") { w in
            for i in offset..<max(offset, upper) { writeRecord(&w, view.record(at: i)) }
        }
        if upper < total {
            let query = "api-version=\(Self.apiVersion)&reportedStartTime=\(SandboxURL.encode(start.iso8601))"
                + "&reportedEndTime=\(SandboxURL.encode(end.iso8601))&aggregationGranularity=\(hourly ? "Hourly" : "Daily")&showDetails=\(details)"
                + "&continuationToken=\(SandboxURL.encode(token(sub: sub.id, start: start, end: end, mode: mode, offset: upper, sandbox)))"
            w.member("nextLink", "\(request.origin)/subscriptions/\(sub.id.lowercased())/providers/Microsoft.Commerce/UsageAggregates?\(query)")
        } else {
            sandbox.markServed(sub, from: start, to: end)
        }
        w.endObject()
        return .json(200, w)
    }

    private func writeRecord(_ w: inout JSONWriter, _ r: UsageAggregate) {
        let sub = r.subscriptionID.lowercased()
        w.beginObject()
        w.member("id", "/subscriptions/\(sub)/providers/Microsoft.Commerce/UsageAggregates/\(r.name)")
        w.member("name", r.name)
        w.member("type", "Microsoft.Commerce/UsageAggregate")
        w.object("properties") { w in
            w.member("subscriptionId", sub)
            w.member("usageStartTime", String(r.usageStart.iso8601.dropLast()) + "+00:00")
            w.member("usageEndTime", String(r.usageEnd.iso8601.dropLast()) + "+00:00")
            w.member("meterName", r.meter.name)
            w.member("meterCategory", r.meter.category)
            w.member("meterSubCategory", r.meter.subcategory)
            w.member("unit", r.meter.unit)
            if let resource = r.resource {
                // instanceData is a JSON document inside a string, as the real API sends it.
                var inner = JSONWriter(capacity: 256)
                inner.beginObject()
                inner.object("Microsoft.Resources") { w in
                    w.member("resourceUri", resource.uri)
                    w.member("location", resource.location)
                    if let tags = resource.tags { w.stringObject("tags", tags) }
                }
                inner.endObject()
                w.member("instanceData", inner.text)
            }
            w.member("meterId", r.meter.id)
            w.object("infoFields") { _ in }
            w.member("quantity", number: r.quantityText)
            w.member("meterRegion", r.meter.region)
        }
        w.endObject()
    }

    /// An opaque token (base64 with `+`, `/`, `=`, so it must be percent-encoded in the link).
    private func token(sub: String, start: UTCTime, end: UTCTime, mode: String, offset: Int, _ sandbox: SandboxState) -> String {
        let fields = "\(sub.lowercased())|\(start.seconds)|\(end.seconds)|\(mode)|\(offset)"
        return Data("\(offset)|\(sandbox.mac(fields))|commerce-usage-continuation?".utf8).base64EncodedString()
    }

    private func parseToken(_ token: String, sub: String, start: UTCTime, end: UTCTime, mode: String, _ sandbox: SandboxState) -> Int? {
        guard let data = Data(base64Encoded: token), let first = String(decoding: data, as: UTF8.self).split(separator: "|").first,
            let offset = Int(first), self.token(sub: sub, start: start, end: end, mode: mode, offset: offset, sandbox) == token
        else { return nil }
        return offset
    }

    // MARK: RateCard

    private func rateCard(_ request: SandboxRequest, _ sandbox: SandboxState) -> SandboxResponse {
        let q = request.query
        if let error = checkVersion(q, sandbox) { return error }
        let filter = q["$filter"] ?? ""
        var terms: [String: String] = [:]
        for term in filter.components(separatedBy: " and ") {
            let parts = term.trimmingCharacters(in: .whitespaces).components(separatedBy: " eq ")
            guard parts.count == 2 else { continue }
            terms[parts[0].trimmingCharacters(in: .whitespaces).lowercased()] =
                parts[1].trimmingCharacters(in: CharacterSet(charactersIn: " '"))
        }
        let required = ["offerdurableid", "currency", "locale", "regioninfo"]
        guard required.allSatisfy({ !(terms[$0] ?? "").isEmpty }) else {
            return sandbox.resourceManagerError(400, code: "InvalidFilterInQueryString", "The $filter '\(filter)' is not valid: it must contain OfferDurableId, Currency, Locale and RegionInfo, joined by 'and'.")
        }
        var w = JSONWriter()
        w.beginObject()
        w.array("OfferTerms") { w in
            // A Monetary Commitment (commerce.json `MonetaryCommitment`): `TieredDiscount` maps a
            // commitment level (price) to the discount percentage that level earns; this offer
            // gives 10% at every level, except on the excluded meter.
            w.beginObject()
            w.member("Name", "Monetary Commitment")
            w.member("EffectiveDate", "2024-01-01T00:00:00Z")
            w.object("TieredDiscount") { $0.member("0", number: Self.commitmentDiscountPercent) }
            w.array("ExcludedMeterIds") { $0.string(MeterCatalogue.meters[0].id) }
            w.endObject()
        }
        w.array("Meters") { w in
            for m in MeterCatalogue.meters {
                w.beginObject()
                w.member("EffectiveDate", "2024-01-01T00:00:00Z")
                w.member("IncludedQuantity", number: m.includedQuantity)
                w.member("MeterCategory", m.category)
                w.member("MeterId", m.id)
                w.member("MeterName", m.name)
                w.object("MeterRates") { w in for (k, v) in m.rates { w.member(k, number: v) } }
                w.member("MeterRegion", m.region)
                w.member("MeterStatus", "Active")
                w.member("MeterSubCategory", m.subcategory)
                w.array("MeterTags") { _ in }
                w.member("Unit", m.unit)
                w.endObject()
            }
        }
        w.member("Currency", terms["currency"] ?? "USD")
        w.member("Locale", terms["locale"] ?? "en-US")
        w.member("IsTaxIncluded", false)
        w.endObject()
        return .json(200, w)
    }
}
