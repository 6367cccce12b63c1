import Foundation
import WarehouseCore

/// The hosted feature services behind the org's Feature Service items, as far as their storage
/// goes: the service (`layers`), its layer (`hasAttachments`, `supportsQueryAttachments`) and the
/// layer's `queryAttachments`, whose attachment infos carry each attachment's `size` in bytes.
/// That is Esri's documented way to learn what a hosted layer's attachments weigh; an item's own
/// `size` includes them, and no item field gives them apart.
/// https://developers.arcgis.com/rest/services-reference/enterprise/query-attachments-feature-service-layer/
///
/// Paths as ArcGIS Online hosts them: `/{orgId}/arcgis/rest/services/{name}/FeatureServer`,
/// `…/FeatureServer/0`, `…/FeatureServer/0/queryAttachments`. A view answers its parent's
/// attachments (it shares its data), while its item `size` is 0.
extension ArcGISOrganization.Item {
    var isView: Bool { typeKeywords.contains("View Service") }
    var serviceName: String { "svc_" + id.prefix(12) }

    /// The attachments of the service's one layer: 1 to 4 files whose sizes add up to
    /// `attachmentBytes` exactly (the last takes the remainder).
    var attachmentSizes: [Int64] {
        guard attachmentBytes > 0 else { return [] }
        let count = Int64(1 + FNV1a.hash(id) % 4)
        let each = attachmentBytes / count
        return (0..<count).map { $0 == count - 1 ? attachmentBytes - each * (count - 1) : each }
    }
}

extension ArcGISRoutes {
    func serviceURL(_ item: ArcGISOrganization.Item, org: ArcGISOrganization, origin: String) -> String? {
        guard item.type == "Feature Service" else { return nil }
        return "\(origin)/\(org.id)/arcgis/rest/services/\(item.serviceName)/FeatureServer"
    }

    /// `/{orgId}/arcgis/rest/services/{name}/FeatureServer[/0[/queryAttachments]]`, or nil.
    func featureService(_ request: SandboxRequest, _ org: ArcGISOrganization, _ sandbox: SandboxState) async -> SandboxResponse? {
        let s = request.segments
        guard s.count >= 6, s[0] == org.id, s[1] == "arcgis", s[2] == "rest", s[3] == "services", s[5] == "FeatureServer" else { return nil }
        guard let owner = org.items.first(where: { $0.type == "Feature Service" && $0.serviceName == s[4] }) else {
            return envelope(400, "Invalid URL", details: .list(["Service \(s[4])/FeatureServer not found."]))
        }
        // A view shares its parent's data: the parent is the fixture's or the owner's first service.
        let data = owner.isView ? (org.items.first { $0.owner == owner.owner && $0.type == "Feature Service" && !$0.isView } ?? owner) : owner
        let params = request.query.merging(request.method == "POST" ? request.form : [:]) { $1 }
        switch Array(s.dropFirst(6)) {
        case []: return await serve(request, params, sandbox) { service(owner) }
        case ["0"]: return await serve(request, params, sandbox) { layer(owner) }
        case ["0", "queryAttachments"]: return await serve(request, params, sandbox) { queryAttachments(data, params) }
        default: return envelope(400, "Invalid URL", details: .list([]))
        }
    }

    private func service(_ item: ArcGISOrganization.Item) -> SandboxResponse {
        var w = JSONWriter()
        w.beginObject()
        w.member("currentVersion", number: "11.3")
        w.member("serviceItemId", item.id)
        w.member("hasAttachments", true)
        w.array("layers") { a in
            a.beginObject()
            a.member("id", 0)
            a.member("name", item.title)
            a.member("geometryType", "esriGeometryPolygon")
            a.endObject()
        }
        w.array("tables") { _ in }
        w.endObject()
        return .json(200, w)
    }

    private func layer(_ item: ArcGISOrganization.Item) -> SandboxResponse {
        var w = JSONWriter()
        w.beginObject()
        w.member("id", 0)
        w.member("name", item.title)
        w.member("type", "Feature Layer")
        w.member("hasAttachments", true)
        w.object("advancedQueryCapabilities") { $0.member("supportsQueryAttachments", true) }
        w.endObject()
        return .json(200, w)
    }

    /// One attachment group per attachment (feature `objectId` 1, 2, …), each with its
    /// `attachmentInfos` (`id`, `contentType`, `size`, `name`). `objectIds`, `globalIds` or
    /// `definitionExpression` is required, as the documentation says.
    private func queryAttachments(_ item: ArcGISOrganization.Item, _ params: [String: String]) -> SandboxResponse {
        guard [params["objectIds"], params["globalIds"], params["definitionExpression"]].contains(where: { !($0 ?? "").isEmpty }) else {
            return envelope(400, "Unable to perform query. Please check your parameters.", details: .list(["objectIds, globalIds or definitionExpression is required."]))
        }
        var w = JSONWriter()
        w.beginObject()
        w.array("attachmentGroups") { a in
            for (index, size) in item.attachmentSizes.enumerated() {
                a.beginObject()
                a.member("parentObjectId", index + 1)
                a.array("attachmentInfos") { infos in
                    infos.beginObject()
                    infos.member("id", index + 1)
                    infos.member("contentType", "image/jpeg")
                    infos.member("size", Int(size))
                    infos.member("name", "photo\(index + 1).jpg")
                    infos.endObject()
                }
                a.endObject()
            }
        }
        w.endObject()
        return .json(200, w)
    }
}
