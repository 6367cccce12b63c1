import Extract
import Foundation
import Logging
import Sandbox
import Synchronization
import TestSupport
import Transport
import WarehouseCore

/// Records the waits the HTTP client asks for instead of sleeping, so retry tests run instantly
/// while still going over real HTTP to the sandbox.
final class SleepRecorder: Sendable {
    private let waits = Mutex<[Duration]>([])
    var recorded: [Duration] { waits.withLock { $0 } }
    var sleep: @Sendable (Duration) async throws -> Void {
        { duration in
            self.waits.withLock { $0.append(duration) }
            await Task.yield()
        }
    }
}

/// A log handler that keeps every line (message and metadata) for inspection.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])
    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let (level, message, metadata) = (event.level, event.message, event.metadata)
            let all = self.metadata.merging(metadata ?? [:]) { $1 }
            let meta = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.lines.withLock { $0.append("\(level) \(message) \(meta)") }
        }
    }
}

/// One sandbox on port 0 and clients pointed at it.
struct Harness {
    let server: SandboxServer
    let sleeper = SleepRecorder()
    let http: HTTPClient

    static let windowStart = UTCTime(year: 2026, month: 3, day: 1)
    static let windowEnd = UTCTime(year: 2026, month: 3, day: 8)

    init(
        _ configuration: SandboxConfiguration, concurrency: Int = 4, attempts: Int = 8, logger: Logger = Logger(label: "test")
    ) async throws {
        var configuration = configuration
        configuration.slowDelay = .milliseconds(20)  // slow, not sleepy: tests do not wait for real
        server = try await SandboxServer.start(configuration)
        let policy = RetryPolicy(maxAttempts: attempts, baseDelay: .milliseconds(100), maxDelay: .seconds(5), maxTotalWait: .seconds(600), jitter: { 0.5 })
        http = HTTPClient(
            configuration: HTTPClientConfiguration(maxConcurrentRequests: concurrency, noProxy: "127.0.0.1,localhost", retry: policy),
            logger: logger, sleep: sleeper.sleep)
    }

    func partnerCenter(pageSize: Int = 1000, credentials: AzureADCredentials? = nil, logger: Logger = Logger(label: "test")) -> PartnerCenterClient {
        let c = server.configuration
        return PartnerCenterClient(
            configuration: PartnerCenterConfiguration(
                baseURL: server.partnerCenterURL, authorityURL: server.authorityURL, tenant: c.tenant,
                credentials: credentials ?? .clientSecret(clientID: c.clientID, secret: c.clientSecret), utilizationPageSize: pageSize,
                customerPageSize: 2),
            http: http, logger: logger)
    }

    func commerce() -> AzureCommerceClient {
        let c = server.configuration
        return AzureCommerceClient(
            configuration: AzureCommerceConfiguration(
                managementURL: server.managementURL, authorityURL: server.authorityURL, tenant: c.tenant,
                credentials: .clientSecret(clientID: c.clientID, secret: c.clientSecret)),
            http: http)
    }

    var partnerCenterTruth: GroundTruth {
        server.organization.partnerCenterGroundTruth(from: Self.windowStart, to: Self.windowEnd)
    }

    var commerceTruth: GroundTruth {
        server.organization.commerceGroundTruth(from: Self.windowStart, to: Self.windowEnd)
    }
}

/// Reads records back out of pages with JSONSerialization (independently of the sandbox's
/// writer and of the real decoders) and folds them into a `GroundTruth`.
enum RecordReader {
    static func json(_ body: Data) throws -> [String: Any] {
        let bytes = body.starts(with: [0xEF, 0xBB, 0xBF]) ? body.dropFirst(3) : body
        guard let object = try JSONSerialization.jsonObject(with: bytes) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }

    static func micros(_ value: Any?) -> Int64 {
        Int64((((value as? NSNumber)?.doubleValue ?? .nan) * 1_000_000).rounded())
    }

    /// Partner Center utilization: the subscription it was asked for, the rest from each item.
    static func addPartnerCenter(_ page: FetchedPage, subscription sub: String, to truth: inout GroundTruth) throws {
        for case let item as [String: Any] in try json(page.body)["items"] as? [Any] ?? [] {
            let resource = item["resource"] as? [String: Any]
            let instance = item["instanceData"] as? [String: Any]
            truth.add(canonical: SyntheticUsage.canonical(
                subscriptionID: sub, meterID: resource?["id"] as? String ?? "", resourceURI: instance?["resourceUri"] as? String ?? "",
                usageStart: UTCTime.parse(item["usageStartTime"] as? String ?? "") ?? UTCTime(seconds: -1),
                usageEnd: UTCTime.parse(item["usageEndTime"] as? String ?? "") ?? UTCTime(seconds: -1),
                quantityMicros: micros(item["quantity"])))
        }
    }

    /// Azure Commerce: `instanceData` is a JSON string, parsed a second time.
    static func addCommerce(_ page: FetchedPage, to truth: inout GroundTruth) throws {
        for case let item as [String: Any] in try json(page.body)["value"] as? [Any] ?? [] {
            let p = item["properties"] as? [String: Any] ?? [:]
            let instanceText = p["instanceData"] as? String ?? "{}"
            let instance = try JSONSerialization.jsonObject(with: Data(instanceText.utf8)) as? [String: Any]
            let resources = instance?["Microsoft.Resources"] as? [String: Any]
            truth.add(canonical: SyntheticUsage.canonical(
                subscriptionID: p["subscriptionId"] as? String ?? "", meterID: p["meterId"] as? String ?? "",
                resourceURI: resources?["resourceUri"] as? String ?? "",
                usageStart: UTCTime.parse(p["usageStartTime"] as? String ?? "") ?? UTCTime(seconds: -1),
                usageEnd: UTCTime.parse(p["usageEndTime"] as? String ?? "") ?? UTCTime(seconds: -1),
                quantityMicros: micros(p["quantity"])))
        }
    }
}

/// Collects what concurrent page handlers produce.
final class TruthAccumulator: Sendable {
    private let state = Mutex((truth: GroundTruth(), pages: 0, utilizationPages: 0))
    var truth: GroundTruth { state.withLock { $0.truth } }
    var utilizationPages: Int { state.withLock { $0.utilizationPages } }

    func add(_ utilization: UtilizationPage) throws {
        var local = GroundTruth()
        try RecordReader.addPartnerCenter(utilization.page, subscription: utilization.subscriptionID, to: &local)
        state.withLock {
            $0.truth.count += local.count
            $0.truth.checksum &+= local.checksum
            $0.pages += 1
            $0.utilizationPages += 1
        }
    }
}
