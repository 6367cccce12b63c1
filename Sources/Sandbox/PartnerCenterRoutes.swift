import Foundation
import WarehouseCore

/// Partner Center under `/v1`: customers (paged), subscriptions, Azure utilization (paged, 1,000
/// at most, `links.next` plus an `MS-ContinuationToken` header that must come back byte for
/// byte), and the Azure rate card. Shapes from contracts/azure.md §1.
/// https://learn.microsoft.com/partner-center/developer/get-a-customer-s-utilization-record-for-azure
public struct PartnerCenterRoutes: SandboxRoutes {
    public init() {}

    public func respond(to request: SandboxRequest, in sandbox: SandboxState) async -> SandboxResponse? {
        let s = request.segments
        guard s.first == "v1", request.method == "GET" else { return nil }
        let common: SandboxFaults = [.throttle, .serverError, .truncatedBody, .malformedJSON, .slow]
        switch s.count {
        case 2 where s[1] == "customers":
            return await sandbox.serve(request, api: .partnerCenter, allowing: common) { customers(request, sandbox) }
        case 4 where s[1] == "customers" && s[3] == "subscriptions":
            return await sandbox.serve(request, api: .partnerCenter, allowing: common) { subscriptions(s[2], sandbox) }
        case 7 where s[1] == "customers" && s[3] == "subscriptions" && s[5] == "utilizations" && s[6] == "azure":
            return await sandbox.serve(request, api: .partnerCenter, allowing: common.union(.notReady)) {
                utilizations(request, customerID: s[2], subscriptionID: s[4], sandbox)
            }
        case 3 where s[1] == "ratecards" && s[2] == "azure":
            return await sandbox.serve(request, api: .partnerCenter, allowing: common) { rateCard(request, sandbox) }
        default:
            return sandbox.partnerCenterError(404, code: 404, "Resource not found: /\(s.joined(separator: "/"))")
        }
    }

    // MARK: customers

    private func customers(_ request: SandboxRequest, _ sandbox: SandboxState) -> SandboxResponse {
        let all = sandbox.organization.customers
        var size = 100, offset = 0
        if let sizeText = request.query["size"] {
            guard let n = Int(sizeText), (1...500).contains(n) else {
                return sandbox.partnerCenterError(400, code: 400, "The size parameter must be between 1 and 500.")
            }
            size = n
        }
        if request.query["seekOperation"] == "Next" {
            guard let token = request.header("ms-continuationtoken"), let parsed = parseSeek(token, kind: "customers", sandbox),
                parsed.size == size
            else {
                sandbox.countRejectedContinuation()
                return sandbox.partnerCenterError(400, code: 400, "Invalid continuation token.")
            }
            offset = parsed.offset
        }
        let page = all.dropFirst(offset).prefix(size)
        var w = JSONWriter()
        w.beginObject()
        w.member("totalCount", page.count)
        w.array("items") { w in
            for c in page {
                w.beginObject()
                w.member("id", c.id)
                w.object("companyProfile") {
                    $0.member("tenantId", c.tenantID)
                    $0.member("domain", c.domain)
                    $0.member("companyName", c.companyName)
                }
                w.member("relationshipToPartner", "reseller")
                w.object("attributes") { $0.member("objectType", "Customer") }
                w.endObject()
            }
        }
        w.object("links") { w in
            UtilizationPageWriter.link(&w, "self", uri: "customers?size=\(size)", headers: [])
            if offset + page.count < all.count {
                UtilizationPageWriter.link(&w, "next", uri: "customers?size=\(size)&seekOperation=Next",
                    headers: [("MS-ContinuationToken", seekToken(kind: "customers", offset: offset + page.count, size: size, sandbox))])
            }
        }
        w.object("attributes") { $0.member("objectType", "Collection") }
        w.endObject()
        return .json(200, w)
    }

    // MARK: subscriptions

    private func subscriptions(_ customerID: String, _ sandbox: SandboxState) -> SandboxResponse {
        guard let customer = sandbox.organization.customer(customerID) else {
            return sandbox.partnerCenterError(404, code: 600_008, "The requested customer \(customerID) was not found.")
        }
        var w = JSONWriter()
        w.beginObject()
        w.member("totalCount", customer.subscriptions.count)
        w.array("items") { w in
            for sub in customer.subscriptions {
                let usage = sub.billingType == "usage"
                w.beginObject()
                w.member("id", sub.id)
                w.member("entitlementId", sub.id.lowercased())
                w.member("offerId", sub.offerID)
                w.member("offerName", sub.offerName)
                w.member("friendlyName", sub.friendlyName)
                w.member("quantity", usage ? 1 : 10)
                w.member("unitType", usage ? "Usage-based" : "Licenses")
                w.member("creationDate", "2024-01-15T10:22:31.1234567Z")
                w.member("effectiveStartDate", "2024-01-15T00:00:00Z")
                w.member("commitmentEndDate", "9999-12-14T00:00:00Z")
                w.member("status", usage ? "active" : "suspended")
                w.member("autoRenewEnabled", !usage)
                w.member("billingType", sub.billingType)
                w.member("billingCycle", usage ? "monthly" : "annual")
                w.member("contractType", "subscription")
                if !usage { w.array("suspensionReasons") { $0.string("CustomerCancellation") } }
                w.object("attributes") { $0.member("objectType", "Subscription") }
                w.endObject()
            }
        }
        w.object("links") { w in UtilizationPageWriter.link(&w, "self", uri: "customers/\(customer.id)/subscriptions", headers: []) }
        w.object("attributes") { $0.member("objectType", "Collection") }
        w.endObject()
        return .json(200, w)
    }

    // MARK: utilizations

    private func utilizations(_ request: SandboxRequest, customerID: String, subscriptionID: String, _ sandbox: SandboxState) -> SandboxResponse {
        let org = sandbox.organization
        guard let customer = org.customer(customerID) else {
            return sandbox.partnerCenterError(404, code: 600_008, "The requested customer \(customerID) was not found.")
        }
        guard let sub = customer.subscriptions.first(where: { $0.id.caseInsensitiveCompare(subscriptionID) == .orderedSame }),
            sub.billingType == "usage"
        else {
            return sandbox.partnerCenterError(404, code: 800_002, "Subscription id \(subscriptionID) was not found under this customer.")
        }
        let q = request.query
        var window: UtilizationWindow
        if q["seek_operation"] == "Next" {
            guard let token = request.header("ms-continuationtoken"),
                let parsed = UtilizationWindow(token: token, subscriptionID: sub.id, sandbox)
            else {
                sandbox.countRejectedContinuation()
                return sandbox.partnerCenterError(400, code: 400, "Invalid continuation token.")
            }
            window = parsed
        } else {
            guard let startText = q["start_time"], let endText = q["end_time"] else {
                return sandbox.partnerCenterError(400, code: 400, "start_time and end_time are required.")
            }
            guard let start = UTCTime.parse(startText), let end = UTCTime.parse(endText), start < end else {
                return sandbox.partnerCenterError(400, code: 400, "start_time '\(startText)' and end_time '\(endText)' must be date-time offsets with start before end.")
            }
            var size = 1000
            if let sizeText = q["size"] {
                guard let n = Int(sizeText), (1...1000).contains(n) else {
                    return sandbox.partnerCenterError(400, code: 400, "The size parameter must be between 1 and 1000.")
                }
                size = n
            }
            let details = (q["show_details"] ?? "true").lowercased() != "false"
            window = UtilizationWindow(subscriptionID: sub.id, start: start, end: end, size: size, details: details, offset: 0)
        }
        let answer = sandbox.answer(sub, from: window.start, to: window.end)
        let total = answer.count
        let upper = min(total, window.offset + window.size)
        var next: (uri: String, token: String)?
        if upper < total {
            var following = window
            following.offset = upper
            next = ("customers/\(customer.id)/subscriptions/\(sub.id)/utilizations/azure?seek_operation=Next", following.token(sandbox))
        }
        let offsets = window.offset..<max(window.offset, upper)
        let w = UtilizationPageWriter.page(
            offsets.lazy.map { answer.record(at: $0) }, count: offsets.count,
            details: window.details,
            selfURI: UtilizationPageWriter.selfURI(
                customerID: customer.id, subscriptionID: sub.id, start: window.start, end: window.end, details: window.details,
                size: window.size),
            next: next)
        if next == nil { sandbox.markServed(sub, from: window.start, to: window.end) }
        return .json(200, w)
    }

    // MARK: rate card

    private func rateCard(_ request: SandboxRequest, _ sandbox: SandboxState) -> SandboxResponse {
        let currency = (request.query["currency"] ?? "USD").uppercased()
        var w = JSONWriter(byteOrderMark: true)
        w.beginObject()
        w.member("locale", request.header("x-locale") ?? "en-US")
        w.member("currency", currency)
        w.member("isTaxIncluded", false)
        w.array("meters") { w in
            for m in MeterCatalogue.meters {
                w.beginObject()
                w.member("id", m.id)
                w.member("name", m.name)
                w.object("rates") { w in for (k, v) in m.rates { w.member(k, number: v) } }
                w.array("tags") { _ in }
                w.member("category", m.category)
                w.member("subcategory", m.subcategory)
                w.member("region", m.region)
                w.member("unit", m.unit)
                w.member("includedQuantity", number: m.includedQuantity)
                w.member("effectiveDate", "2024-01-01T00:00:00Z")
                w.endObject()
            }
        }
        w.array("offerTerms") { w in
            w.beginObject()
            w.member("name", "Overage discount")
            w.member("discount", number: "0.15")
            w.array("excludedMeterIds") { $0.string(MeterCatalogue.meters[0].id) }
            w.member("effectiveDate", "2014-01-01T00:00:00")
            w.endObject()
        }
        w.object("attributes") { $0.member("objectType", "AzureRateCard") }
        w.endObject()
        return .json(200, w)
    }

    // MARK: helpers

    private func seekToken(kind: String, offset: Int, size: Int, _ sandbox: SandboxState) -> String {
        let fields = "\(kind);\(offset);\(size)"
        return Data("\(fields);\(sandbox.mac(fields))".utf8).base64EncodedString()
    }

    private func parseSeek(_ token: String, kind: String, _ sandbox: SandboxState) -> (offset: Int, size: Int)? {
        guard let data = Data(base64Encoded: token) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).split(separator: ";").map(String.init)
        guard parts.count == 4, parts[0] == kind, let offset = Int(parts[1]), let size = Int(parts[2]),
            seekToken(kind: kind, offset: offset, size: size, sandbox) == token
        else { return nil }
        return (offset, size)
    }
}
