import Foundation
import Transport
import WarehouseCore

/// What a hosted feature layer's attachments weigh. An item's `size` includes them, but they are
/// billed at the file rate (1.2 credits per GB a month) and the features at the feature rate (2.4
/// credits per 10 MB a month), and no item field gives them apart. Esri's documented way is the
/// layer's `queryAttachments` (ArcGIS Online hosted feature services support it), whose
/// attachment infos carry each attachment's `size` in bytes: the service's `layers` and `tables`
/// from `{url}?f=json`, then `{url}/{id}/queryAttachments?definitionExpression=1=1` for each one.
/// https://developers.arcgis.com/rest/services-reference/enterprise/query-attachments-feature-service-layer/
extension ArcGISClient {
    /// Whether `item` (a search result or `content/items/{id}`) is a hosted feature service with
    /// data of its own: views share their parent's data and cost nothing.
    static func hasOwnAttachments(_ item: JSONNode) throws -> Bool {
        let keywords = try item.optionalStrings("typeKeywords")
        return try item.optionalString("type") == "Feature Service" && keywords.contains("Hosted Service")
            && !keywords.contains("View Service") && (try item.optionalInt64("size") ?? 0) != 0
            && (try item.optionalString("url")) != nil
    }

    /// The total size of every attachment of the service at `serviceURL`, in bytes.
    public func attachmentBytes(serviceURL: String) async throws -> Int64 {
        let base = serviceURL.hasSuffix("/") ? String(serviceURL.dropLast()) : serviceURL
        let (_, service) = try await call { token in HTTPRequest(url: "\(base)?\(URLText.query([("f", "json"), ("token", token)]))") }
        var ids: [Int64] = []
        for list in ["layers", "tables"] {
            for layer in try service.optionalArray(list) { ids.append(try layer.required("id").int64()) }
        }
        var total: Int64 = 0
        for id in ids {
            let query = [("definitionExpression", "1=1"), ("returnUrl", "false"), ("f", "json")]
            let (_, answer) = try await call { token in
                HTTPRequest(url: "\(base)/\(id)/queryAttachments?\(URLText.query(query + [("token", token)]))")
            }
            for group in try answer.optionalArray("attachmentGroups") {
                for info in try group.optionalArray("attachmentInfos") { total += try info.required("size").int64() }
            }
        }
        return total
    }
}
