import Alerts
import Config
import Extract
import Foundation
import Load
import Pipeline
import Sandbox
import Testing
import Transport
import WarehouseCore

/// `credits allocate` against the sandbox's ArcGIS Online org over real HTTP: the top-ups land
/// in the sandbox's budgets (read back from it), 100 users a request at most, every change is
/// recorded, and an org with budgeting off is refused.
struct CreditAllocationTests {
    static let asOf = UTCTime(year: 2026, month: 11, day: 20, hour: 6)

    func allocation(_ harness: ArcGISHarness) -> CreditAllocation {
        CreditAllocation(db: harness.db, config: .defaults, client: harness.client())
    }

    @Test func topsUpUsersUnderTheThresholdInRequestsOfAtMost100() async throws {
        let harness = try await ArcGISHarness(SandboxConfiguration(seed: 8), users: 250)
        let server = harness.server
        defer { Task { await server.stop() } }
        let org = harness.organization
        let expected = org.users.filter { u in
            guard let assigned = u.assignedCredits, let available = u.availableCredits, assigned > 0 else { return false }
            return Decimal(available) / Decimal(assigned) * 100 < 50
        }
        #expect(expected.count > 100)  // so the top-up takes two requests

        // Without apply: planned only, nothing changes anywhere.
        let preview = try await allocation(harness).run(below: 50, amount: 200, apply: false, now: Self.asOf)
        #expect(preview.lines.map(\.user) == expected.map(\.username).sorted())
        #expect(preview.lines.allSatisfy { $0.result == .planned })
        #expect(try harness.db.scalar("SELECT count(*) FROM credit_allocations")?.int64 == 0)
        #expect(expected.allSatisfy { harness.server.state.arcgisBudget($0) == ArcGISBudget(assigned: Decimal($0.assignedCredits ?? -1), available: Decimal($0.availableCredits ?? -1)) })

        let report = try await allocation(harness).run(below: 50, amount: 200, apply: true, now: Self.asOf)
        #expect(report.exitCode == 0)
        #expect(report.assigned == expected.count)
        for user in expected {
            let budget = try #require(harness.server.state.arcgisBudget(user))
            #expect(budget.assigned == Decimal(user.assignedCredits ?? 0) + 200, "\(user.username)")
            #expect(budget.available == Decimal(user.availableCredits ?? 0) + 200, "\(user.username)")
        }
        // Users above the threshold are untouched.
        let others = org.users.filter { u in !expected.contains { $0.username == u.username } }
        #expect(others.allSatisfy { harness.server.state.arcgisBudget($0)?.assigned == $0.assignedCredits.map { Decimal($0) } })

        let recorded = try harness.db.rows("SELECT user_name, assigned_before, amount, assigned_after, result FROM credit_allocations ORDER BY user_name")
        #expect(recorded.count == expected.count)
        let first = try #require(expected.sorted { $0.username < $1.username }.first)
        #expect(recorded.first?.map { $0.string ?? "" } == [first.username, String(first.assignedCredits ?? 0), "200", String((first.assignedCredits ?? 0) + 200), "assigned"])
        // The warehouse was refreshed from the users pages, which now carry the new budgets.
        let refreshed = try harness.db.scalar("SELECT assigned_credits FROM latest_credit_budgets WHERE user_name = ?", first.username)?.string
        #expect(refreshed == String((first.assignedCredits ?? 0) + 200))
        #expect(try harness.db.scalar("SELECT status || ' ' || records FROM etl_runs WHERE command = 'allocate'")?.string == "ok \(expected.count)")

        // A second run plans from the live, topped-up budgets, never from the stale ones: only
        // users still under 50% after +200, starting from their new allocation.
        let again = try await allocation(harness).run(below: 50, amount: 200, apply: false, now: Self.asOf)
        let stillUnder = expected.filter { Decimal(($0.availableCredits ?? 0) + 200) / Decimal(($0.assignedCredits ?? 0) + 200) * 100 < 50 }
        #expect(again.lines.map(\.user) == stillUnder.map(\.username).sorted())
        #expect(again.lines.allSatisfy { line in line.assignedBefore == Decimal((stillUnder.first { $0.username == line.user }?.assignedCredits ?? -1) + 200) })
        #expect(try harness.db.scalar("SELECT count(*) FROM credit_allocations")?.int64 == Int64(expected.count))
    }

    @Test func refusesWhenBudgetingIsOff() async throws {
        let server = try await SandboxServer.start(SandboxConfiguration(seed: 9), routes: [ArcGISRoutes(users: 20, budgeting: false)])
        defer { Task { await server.stop() } }
        let directory = FileManager.default.temporaryDirectory.appending(path: "warehouse-alloc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try Database.openWarehouse(path: directory.appending(path: "w.db").path)
        let client = ArcGISClient(
            sharingURL: "\(server.baseURL)/sharing/rest",
            credentials: .password(username: ArcGISOrganization.adminUsername, password: ArcGISOrganization.adminPassword, referer: "https://warehouse.test"),
            http: HTTPClient(configuration: HTTPClientConfiguration(noProxy: "127.0.0.1")))
        await #expect(throws: CreditAllocation.BudgetingOff.self) {
            _ = try await CreditAllocation(db: db, config: .defaults, client: client).run(below: 100, amount: 10, apply: true, now: Self.asOf)
        }
        #expect(try db.scalar("SELECT count(*) FROM credit_allocations")?.int64 == 0)
        #expect(try db.scalar("SELECT count(*) FROM etl_runs WHERE command = 'allocate'")?.int64 == 0)

        // The sandbox itself answers with AGOL's error envelope, and the client surfaces it.
        let error = await #expect(throws: ArcGISError.self) {
            _ = try await client.assignUserCredits(orgID: "self", [CreditAssignment(username: ArcGISOrganization.adminUsername, credits: 10)])
        }
        #expect(error?.message.contains("budgeting") == true)
    }

    @Test func moreThan100AssignmentsInOneRequestAreRefusedBeforeSending() async throws {
        let harness = try await ArcGISHarness(SandboxConfiguration(seed: 10), users: 5)
        let server = harness.server
        defer { Task { await server.stop() } }
        let before = harness.server.state.requestCount
        let assignments = (0..<101).map { CreditAssignment(username: "user\($0)", credits: 1) }
        await #expect(throws: ArcGISError.self) { _ = try await harness.client().assignUserCredits(orgID: "self", assignments) }
        #expect(harness.server.state.requestCount == before)
        // An unknown user comes back in notAssignedUsers; a known one is assigned.
        let known = harness.organization.users[1].username
        let notAssigned = try await harness.client().assignUserCredits(orgID: "self", [CreditAssignment(username: "nobody.here", credits: 5), CreditAssignment(username: known, credits: 77)])
        #expect(notAssigned == ["nobody.here"])
        #expect(harness.server.state.arcgisBudget(harness.organization.users[1])?.assigned == 77)
    }
}
