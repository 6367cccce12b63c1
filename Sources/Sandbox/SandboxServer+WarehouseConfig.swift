import Foundation

extension SandboxServer {
    /// The sources a warehouse configuration can point at this sandbox.
    public struct WarehouseSources: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let partnerCenter = WarehouseSources(rawValue: 1)
        public static let arcgis = WarehouseSources(rawValue: 2)
        public static let azure = WarehouseSources(rawValue: 4)
    }

    /// The `sources:` list of a `warehouse.yaml` for this sandbox: `sandbox-csp` (Partner
    /// Center), `sandbox-agol` (ArcGIS Online), `sandbox-azure` (Azure Commerce, the direct
    /// subscriptions). Secrets are named, never written: see `warehouseSecrets`.
    public func warehouseSourcesYAML(_ sources: WarehouseSources, backfillFrom: String? = nil, repullDays: Int? = nil) -> String {
        let c = configuration
        var extra = ""
        if let backfillFrom { extra += "\n    backfill_from: \(backfillFrom)" }
        if let repullDays { extra += "\n    repull_days: \(repullDays)" }
        var yaml = "sources:\n"
        if sources.contains(.partnerCenter) {
            yaml += """
                  - name: sandbox-csp
                    kind: partnercenter
                    url: \(partnerCenterURL)
                    authority_url: \(authorityURL)
                    tenant: \(c.tenant)
                    client_id: \(c.clientID)
                    client_secret_env: SANDBOX_CLIENT_SECRET\(extra)

                """
        }
        if sources.contains(.azure) {
            yaml += """
                  - name: sandbox-azure
                    kind: azure
                    url: \(managementURL)
                    authority_url: \(authorityURL)
                    tenant: \(c.tenant)
                    client_id: \(c.clientID)
                    client_secret_env: SANDBOX_CLIENT_SECRET
                    subscriptions: [\(organization.directSubscriptions.map(\.id).joined(separator: ", "))]\(extra)

                """
        }
        if sources.contains(.arcgis) {
            yaml += """
                  - name: sandbox-agol
                    kind: arcgis
                    url: \(baseURL)/sharing/rest
                    username: \(ArcGISOrganization.adminUsername)
                    password_env: SANDBOX_AGOL_PASSWORD\(extra)

                """
        }
        return yaml
    }

    /// A whole `warehouse.yaml` for this sandbox: credits at 0.10 USD, cost centers from the
    /// users' `costCenter` tags, secrets from `secretsFile`, then `extra` lines and the sources.
    public func warehouseYAML(_ sources: WarehouseSources, secretsFile: String, backfillFrom: String? = nil, extra: String = "") -> String {
        """
        currency: USD
        pricing:
          credit_price: "0.10"
        cost_centers:
          rules:
            - {user_tag: costCenter, cost_center: "$value"}
        secrets_file: \(secretsFile)
        \(extra)

        """ + warehouseSourcesYAML(sources, backfillFrom: backfillFrom)
    }

    /// The sandbox-only secrets the YAML names, by variable (for an environment).
    public var warehouseSecrets: [String: String] {
        ["SANDBOX_CLIENT_SECRET": configuration.clientSecret, "SANDBOX_AGOL_PASSWORD": ArcGISOrganization.adminPassword]
    }

    /// The same as the text of a `secrets_file`: `NAME=value` lines, sorted.
    public var warehouseSecretsFile: String {
        warehouseSecrets.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined()
    }
}
