import Load
public struct WarehouseConfig: Sendable {
    public static func load(path: String?) throws -> WarehouseConfig { WarehouseConfig() }   // nil -> ./warehouse.yaml if present, else defaults
    public static let defaults: WarehouseConfig = WarehouseConfig()
}
public struct RepriceSummary: Sendable { public var scopes: Int; public var charges: Int; public var unpricedScopes: Int }
public struct Repricer {
    public init(db: Database, config: WarehouseConfig) {}
    /// Reprices every (source, account, meter, period) scope with usage in `periods` (nil = all) of `source` (nil = all),
    /// rewriting charge_scopes, charges and cost_centers for them. Runs inside the caller's transaction.
    @discardableResult public func reprice(source: String?, periods: Set<String>?) throws -> RepriceSummary {
        RepriceSummary(scopes: 0, charges: 0, unpricedScopes: 0)
    }
}
