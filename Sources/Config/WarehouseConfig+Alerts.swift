import Foundation

extension WarehouseConfig {
    /// The source name the alert rules and `credits allocate` read and write facts under:
    /// `alerts.source`, else the one ArcGIS Online source of `sources:`, else `arcgis` (the
    /// default of `warehouse import`).
    public var alertSource: String {
        if let source = alerts.source { return source }
        let arcgis = sources.filter { $0.kind == .arcgis }
        return arcgis.count == 1 ? arcgis[0].name : "arcgis"
    }

    /// True when the chosen alert delivery is configured (`alerts.mail`, or for `delivery: arcgis`
    /// `alerts.arcgis` or an ArcGIS Online source): the nightly run notifies only then; otherwise
    /// `AlertRun.run(notify: true)` is a configuration error.
    public var canSendAlerts: Bool {
        switch alerts.delivery {
        case .smtp: return alerts.mail != nil
        case .arcgis: return alerts.arcgis != nil || sources.contains { $0.kind == .arcgis }
        }
    }

    /// The secrets of this configuration (environment first, then `secrets_file`).
    public func secretStore(environment: [String: String]) throws -> SecretStore {
        try SecretStore(path: secretsFile, configFile: path ?? WarehouseConfig.defaultFileName, environment: environment)
    }
}
