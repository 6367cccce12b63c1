import Extract
import Foundation
import Load
import Pipeline
import Query
import Sandbox
import WarehouseCore
import Transport
import Config

/// The demo: sandbox up, configuration written, the nightly run, an invoice, next steps.
struct DemoRun {
    let databasePath: String
    let seed: UInt64
    let now: UTCTime
    var since: UTCTime?
    var incidents: SandboxIncidents?

    /// `demo.db` → `demo.yaml`, `demo.secrets`; for a database on a server, `warehouse-demo.yaml`
    /// and `warehouse-demo.secrets` in the current directory.
    var stem: String {
        if RemoteWarehouse.isRemote(databasePath) { return "warehouse-demo" }
        let url = URL(fileURLWithPath: databasePath)
        return url.pathExtension.isEmpty ? databasePath : url.deletingPathExtension().path
    }

    func run() async throws -> Int32 {
        var configuration = SandboxConfiguration(port: 0, seed: seed)
        configuration.incidents = incidents
        let server = try await SandboxServer.start(configuration)
        defer { Task { await server.stop() } }
        let configPath = stem + ".yaml"
        try writeConfiguration(server, to: configPath, secrets: stem + ".secrets")
        let pulled = Self.pullWindow(now: now)
        let window = StreamWindow(start: since?.startOfDay ?? pulled.start, end: pulled.end)
        printOut("""
            warehouse demo: sandbox on \(server.baseURL) (seed \(seed)); warehouse \(databasePath), configuration \(configPath)
            Pulling a synthetic CSP partner (\(server.organization.customers.count) customers) and an ArcGIS Online org, \(window.start.day) to \(window.end.adding(days: -1).day)…

            """ + IncidentsOption.describe(server))
        var options = ETLOptions()
        options.now = now
        options.since = since
        options.command = "demo"
        let code = await ETLConsole(format: .text).run(
            databasePath: databasePath, configPath: configPath, options: options,
            http: HTTPClientConfiguration(noProxy: "127.0.0.1,localhost"))
        await server.stop()
        guard code == ETLExit.ok else { return code }
        try show(period: Self.invoicedMonth(now: now), snapshotMonth: now.month)
        return 0
    }

    /// The month the demo invoices: the last complete one, the month before `now`'s. On the 1st
    /// that is the month that ended at midnight (the nightly run has read it to its last day);
    /// mid-month it is still last month, complete, rather than this month so far.
    static func invoicedMonth(now: UTCTime) -> String {
        now.startOfMonth.adding(days: -1).month
    }

    /// What the first nightly run reads: the ETL's own default window for a stream with no
    /// checkpoint (it always covers the invoiced month whole).
    static func pullWindow(now: UTCTime) -> StreamWindow {
        StreamWindow.compute(checkpoint: nil, repullDays: 0, backfillFrom: nil, since: nil, fullRefresh: false, now: now)
            ?? StreamWindow(start: now.startOfDay, end: now.startOfDay)
    }

    /// The invoice and top credit users of `period`, then commands to try next. Each suggestion
    /// must print rows on this warehouse: budgets are snapshots taken on the day of the run, so
    /// they are asked for in `snapshotMonth` (the month of the run), not in the invoiced month.
    func show(period: String, snapshotMonth: String) throws {
        let db = try Database.openWarehouseReadOnly(path: databasePath)
        let invoice = try InvoiceBuilder(db: db).build(InvoiceRequest(period: period, grouping: .costCenter, source: nil, tiers: false))
        printOut("\nInvoice for \(period), by cost center\n\n" + invoice.render(.table))
        var credits = try ReportBuilder(db: db).build(.credits, period: try ReportPeriod(parsing: period))
        credits.sections = credits.sections.filter { $0.name == "by_user" }.map { section in
            var top = section
            top.title = "Top credit users, \(period)"
            top.rows = Array(section.rows.prefix(5))
            return top
        }
        printOut("\n" + credits.render(.table))
        let shown = RemoteWarehouse.isRemote(databasePath) ? db.location : databasePath
        let db_ = shown.contains(" ") ? "'\(shown)'" : shown
        printOut("""

            Next, try:
              warehouse invoice --db \(db_) --period \(period) --group customer --tiers
              warehouse report budgets --db \(db_) --period \(snapshotMonth)
              warehouse sql --db \(db_) "SELECT * FROM cost_by_cost_center_month"
            """ + (incidents == nil ? "\n" : "\n" + """
              warehouse report anomalies --db \(db_) --period \(incidents!.anchor.month)..\(snapshotMonth) --group subscription

            """))
        if let warning = invoice.unpricedWarning { printError("warning: " + warning) }
        if let note = invoice.unitPriceNote { printError("note: " + note) }
    }

    /// The configuration a user would write for these two sources, pointing at the sandbox, and
    /// an owner-only secrets file with the sandbox's (sandbox-only) secrets.
    func writeConfiguration(_ server: SandboxServer, to path: String, secrets: String) throws {
        let yaml = "# Written by `warehouse demo` for the sandbox on \(server.baseURL); rewritten every demo run.\n"
            + server.warehouseYAML([.partnerCenter, .arcgis], secretsFile: URL(fileURLWithPath: secrets).lastPathComponent)
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        let text = server.warehouseSecretsFile
        // Created owner-only before a byte is written (no window in which others could read it).
        let fd = open(secrets, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0, fchmod(fd, 0o600) == 0 else {
            if fd >= 0 { close(fd) }
            throw ConfigError(file: secrets, key: "", message: "cannot write the secrets file owner-only")
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        try handle.write(contentsOf: Data(text.utf8))
    }
}
