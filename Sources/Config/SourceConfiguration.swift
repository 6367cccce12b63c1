import Foundation
import Streams
import WarehouseCore

/// One entry of `sources:` in `warehouse.yaml`: an API (or a folder of files) the nightly run
/// pulls from.
///
/// ```yaml
/// sources:
///   - name: contoso-csp              # the `source` column of every fact it loads
///     kind: partnercenter            # partnercenter | azure | arcgis | files
///     url: https://api.partnercenter.microsoft.com/v1
///     authority_url: https://login.microsoftonline.com
///     tenant: contoso.onmicrosoft.com
///     client_id: 11111111-2222-3333-4444-555555555555
///     client_secret_env: PC_CLIENT_SECRET   # the secret itself: environment or secrets file
///     repull_days: 3                 # re-read the last 3 days every night (late records)
///     backfill_from: 2026-01-01      # where the first run starts (default: last month's first day)
/// ```
///
/// Credentials are never written in this file: a `*_env` key names an environment variable
/// (or an entry of the owner-only `secrets_file`) that holds the value.
public struct SourceConfiguration: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case partnercenter, azure, arcgis, files
    }

    public var name: String
    public var kind: Kind
    /// Partner Center `…/v1`, Azure Resource Manager, or the ArcGIS `…/sharing/rest` URL; the
    /// sandbox or a proxy can stand in for any of them.
    public var url: String?
    /// Azure AD's authority (`https://login.microsoftonline.com`).
    public var authorityURL: String?
    public var tenant: String?
    public var clientID: String?
    /// Names of the variables holding secrets, by role: `client_secret`, `refresh_token`,
    /// `password`.
    public var secretNames: [String: String]
    /// ArcGIS Online: the administrator's user name (with `password_env`), and the referer the
    /// token is bound to.
    public var username: String?
    public var referer: String?
    /// Days re-read before the checkpoint every run: 3 for Partner Center and Azure, 2 for
    /// ArcGIS Online, by default.
    public var repullDays: Int
    /// The first day a stream without a checkpoint starts at; nil = the first day of last month.
    public var backfillFrom: UTCTime?
    /// Subscriptions paged at once.
    public var concurrency: Int
    /// Rate card currency and region (Partner Center, Azure); locale and offer for Azure.
    public var currency: String?
    public var region: String?
    public var locale: String?
    public var offerDurableID: String?
    /// Azure Commerce: the subscriptions to read (the API has no listing of its own here).
    public var subscriptions: [String]
    /// `files`: a path or glob (`/srv/exports/*.csv`) and what the files hold (an `import --kind`).
    public var path: String?
    public var importKind: StreamSpec?

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
        self.secretNames = [:]
        self.repullDays = kind == .arcgis ? 2 : 3
        self.concurrency = 4
        self.subscriptions = []
    }

    /// The `*_env` keys each kind understands, and the role each names.
    static let secretKeys: [String: String] = [
        "client_secret_env": "client_secret", "refresh_token_env": "refresh_token", "password_env": "password",
    ]
}

extension WarehouseConfig {
    static func parseSources(_ node: ConfigNode) throws -> [SourceConfiguration] {
        var sources: [SourceConfiguration] = []
        for entry in try node.list() {
            let source = try parseSource(entry)
            if sources.contains(where: { $0.name == source.name }) {
                throw entry.error("source name '\(source.name)' is given twice")
            }
            sources.append(source)
        }
        return sources
    }

    static let sourceKeys = [
        "name", "kind", "url", "authority_url", "tenant", "client_id", "username", "referer", "repull_days", "backfill_from",
        "concurrency", "currency", "region", "locale", "offer_durable_id", "subscriptions", "path", "import_kind",
    ] + SourceConfiguration.secretKeys.keys.sorted()

    static func parseSource(_ node: ConfigNode) throws -> SourceConfiguration {
        let fields = try node.mapping(allowed: sourceKeys)
        func field(_ key: String) -> ConfigNode? { fields.first { $0.key == key }?.value }
        guard let nameNode = field("name") else { throw node.error("missing name") }
        let name = try nameNode.name()
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw nameNode.error("expected letters, digits, '-', '_' or '.', got \(nameNode.quotedText)")
        }
        guard let kindNode = field("kind") else { throw node.error("missing kind (source '\(name)')") }
        guard let kind = SourceConfiguration.Kind(rawValue: try kindNode.name()) else {
            throw kindNode.error("expected one of \(SourceConfiguration.Kind.allCases.map(\.rawValue).joined(separator: ", ")), got \(kindNode.quotedText)")
        }
        var source = SourceConfiguration(name: name, kind: kind)
        for (key, value) in fields {
            switch key {
            case "name", "kind": break
            case "url": source.url = try value.url()
            case "authority_url": source.authorityURL = try value.url()
            case "tenant": source.tenant = try value.name()
            case "client_id": source.clientID = try value.name()
            case "username": source.username = try value.name()
            case "referer": source.referer = try value.name()
            case "repull_days": source.repullDays = try value.integer(in: 0...92)
            case "concurrency": source.concurrency = try value.integer(in: 1...16)
            case "backfill_from":
                let text = try value.name()
                guard text.count == 10, let day = UTCTime.parse(text) else { throw value.error("expected a day as YYYY-MM-DD, got \(value.quotedText)") }
                source.backfillFrom = day
            case "currency": source.currency = try value.currency()
            case "region": source.region = try value.name()
            case "locale": source.locale = try value.name()
            case "offer_durable_id": source.offerDurableID = try value.name()
            case "subscriptions": source.subscriptions = try value.stringList()
            case "path": source.path = try value.name()
            case "import_kind":
                guard let importKind = StreamSpec.named(try value.name()) else {
                    throw value.error("expected one of \(StreamSpec.names), got \(value.quotedText)")
                }
                source.importKind = importKind
            default:
                let variable = try value.name()
                guard variable.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    throw value.error("expected the NAME of an environment variable (the secret itself never goes in this file)")
                }
                source.secretNames[SourceConfiguration.secretKeys[key] ?? key] = variable
            }
        }
        try requireFields(source, node: node)
        return source
    }

    /// What each kind cannot do without.
    static func requireFields(_ source: SourceConfiguration, node: ConfigNode) throws {
        func need(_ present: Bool, _ key: String) throws {
            if !present { throw node.error("source '\(source.name)' (\(source.kind.rawValue)) needs \(key)") }
        }
        switch source.kind {
        case .partnercenter, .azure:
            try need(source.tenant != nil, "tenant")
            try need(source.clientID != nil, "client_id")
            try need(source.secretNames["client_secret"] != nil || source.secretNames["refresh_token"] != nil, "client_secret_env or refresh_token_env")
            if source.kind == .azure { try need(!source.subscriptions.isEmpty, "subscriptions") }
        case .arcgis:
            try need(source.url != nil, "url (the …/sharing/rest address of the org)")
            try need(
                (source.username != nil && source.secretNames["password"] != nil) || (source.clientID != nil && source.secretNames["refresh_token"] != nil),
                "username and password_env, or client_id and refresh_token_env")
        case .files:
            try need(source.path != nil, "path")
            try need(source.importKind != nil, "import_kind")
        }
    }
}

extension ConfigNode {
    /// An `http://` or `https://` address, without a trailing slash.
    func url() throws -> String {
        var text = try name()
        guard text.hasPrefix("http://") || text.hasPrefix("https://") else { throw error("expected an http:// or https:// address, got \(quotedText)") }
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    func integer(in range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(try string().trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound), got \(quotedText)")
        }
        return value
    }
}
