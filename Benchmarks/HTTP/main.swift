// bench-http: pulls 100,000 Partner Center utilization records from the in-process sandbox
// (50 ms latency per page) through the real HTTP client, sequentially or with several
// subscriptions in parallel, and prints pages/s, records/s and peak memory.
// Not a test: a script prints figures (scripts/bench-http.sh runs both modes, in release).
import Extract
import Foundation
import Sandbox
import TestSupport
import Transport
import Synchronization
import WarehouseCore

let arguments = CommandLine.arguments.dropFirst()
let mode = arguments.first ?? "sequential"
let concurrency = mode == "concurrent" ? Int(arguments.dropFirst().first ?? "4") ?? 4 : 1
let latencyMS = Int(ProcessInfo.processInfo.environment["BENCH_LATENCY_MS"] ?? "50") ?? 50

// 4 subscriptions x 5 days x 5,000 records = 100,000 records, 25 pages of 1,000 per subscription.
let start = UTCTime(year: 2026, month: 3, day: 1)
let end = start.adding(days: 5)
let sandbox = try await SandboxServer.start(
    SandboxConfiguration(port: 0, seed: 2026, customers: 2, usageSubscriptionsPerCustomer: 2, recordsPerDay: 5_000, latency: .milliseconds(latencyMS)))
let http = HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentRequests: concurrency, noProxy: "127.0.0.1"))
let c = sandbox.configuration
let client = PartnerCenterClient(
    configuration: PartnerCenterConfiguration(
        baseURL: sandbox.partnerCenterURL, authorityURL: sandbox.authorityURL, tenant: c.tenant,
        credentials: .clientSecret(clientID: c.clientID, secret: c.clientSecret)),
    http: http)

let marker = Data("\"usageStartTime\"".utf8)
let totals = Mutex((pages: 0, records: 0, bytes: 0))
let clock = ContinuousClock()
let began = clock.now
try await client.forEachUtilizationPage(from: start, to: end, concurrency: concurrency) { utilization in
    let page = utilization.page
    // Count record openings with a plain byte scan (Data.range(of:) copies on Linux).
    let records = page.body.withUnsafeBytes { raw -> Int in
        let bytes = raw.bindMemory(to: UInt8.self)
        let m = Array(marker)
        var count = 0, i = 0
        while i + m.count <= bytes.count {
            if bytes[i] == m[0] && bytes[i + 1] == m[1] && (0..<m.count).allSatisfy({ bytes[i + $0] == m[$0] }) {
                count += 1
                i += m.count
            } else {
                i += 1
            }
        }
        return count
    }
    totals.withLock { $0.pages += 1; $0.records += records; $0.bytes += page.body.count }
}
let elapsed = clock.now - began
await sandbox.stop()

func peakRSSMiB() -> String {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? "VmHWM: ? kB"
    let kb = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    return String(format: "%.1f MiB", Double(kb) / 1024)
}

let t = totals.withLock { $0 }
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(String(format: "%@ (%d in flight): %d pages, %d records, %.1f MB in %.2f s -> %.1f pages/s, %.0f records/s; peak RSS %@ (client and sandbox in one process)",
    mode, concurrency, t.pages, t.records, Double(t.bytes) / 1e6, seconds, Double(t.pages) / seconds, Double(t.records) / seconds, peakRSSMiB()))
if t.records != 100_000 { print("warning: expected 100000 records"); exit(1) }
