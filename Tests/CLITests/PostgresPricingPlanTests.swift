import Foundation
import Load
@testable import Marts
@testable import Postgres
import TestSupport
import Testing

/// The second half of the Citus check, on plain PostgreSQL's planner: every pricing query keeps
/// to one billing account, as Citus needs to run it on one shard
/// (https://docs.citusdata.com/en/stable/develop/reference_workarounds.html#joins): a join of two
/// distributed tables has `account_key` on both sides of its condition, and the rows a query
/// groups into scopes are either ordered by `account_key` first or fixed to one account.
@Suite(.postgresCluster, .serialized)
struct PostgresPricingPlanTests {
    static let distributed = Set(PostgresSchema.distributed)

    /// The pricing queries that read distributed tables, with values to plan them by.
    static let queries: [(name: String, sql: String, values: [SQLValue])] = [
        ("a month's usage and charges", RepriceRun.usageSQL(.postgres), [.text("csp"), .integer(0), .integer(86_400)]),
        ("a month's usage and charges, every source", RepriceRun.usageSQL(.postgres), [.null, .integer(0), .integer(86_400)]),
        ("one scope's usage and charges", RepriceRun.scopeSQL(.postgres), [.integer(1), .integer(1), .integer(0), .integer(86_400)]),
    ]

    @Test func everyPricingQueryKeepsToOneAccount() async throws {
        let cluster = try #require(PostgresCluster.current)
        let url = try await cluster.database("pricing")
        #expect(try CLI.run(["init", "--db", url], environment: cluster.environment).status == 0)
        try await cluster.session("pricing") { session in
            for query in Self.queries {
                let problems = try Self.problems(session, query.sql, query.values)
                #expect(problems.isEmpty, "\(query.name): \(problems)")
            }
            // The check can fail: SQLite's join of a charge to its usage, on usage_id alone.
            let sqlite = try Self.problems(session, RepriceRun.usageSQL(.sqlite), Self.queries[0].values)
            #expect(sqlite.contains { $0.contains("joins") && $0.contains("without account_key") }, "\(sqlite)")
        }
    }

    /// What in `sql`'s plan would take Citus off one account's shard.
    static func problems(_ session: PostgresSession, _ sql: String, _ values: [SQLValue]) throws -> [String] {
        let result = try session.runWaiting("EXPLAIN (VERBOSE, FORMAT JSON) " + SQLScript.forPostgres(sql), values)
        guard let cell = result.rows.first?.first, case .text(let json) = try PostgresValues.value(cell),
              let plans = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]], let root = plans.first?["Plan"] as? [String: Any]
        else { return ["no plan"] }
        var nodes: [[String: Any]] = []
        func walk(_ node: [String: Any]) {
            nodes.append(node)
            for child in node["Plans"] as? [[String: Any]] ?? [] { walk(child) }
        }
        walk(root)
        let aliases = nodes.compactMap { node -> String? in
            guard let relation = node["Relation Name"] as? String, distributed.contains(relation) else { return nil }
            return node["Alias"] as? String
        }
        var problems: [String] = []
        for node in nodes {
            for key in ["Hash Cond", "Merge Cond", "Join Filter", "Index Cond", "Recheck Cond", "Filter"] {
                guard let condition = node[key] as? String else { continue }
                let joined = aliases.filter { condition.contains("\($0).") }
                if joined.count > 1, !joined.allSatisfy({ condition.contains("\($0).account_key") }) {
                    problems.append("\(key) \(condition) joins \(joined.joined(separator: ", ")) without account_key")
                }
            }
        }
        let sortKey = nodes.first { $0["Sort Key"] != nil }?["Sort Key"] as? [String] ?? []
        let fixed = nodes.contains { node in
            ["Index Cond", "Recheck Cond", "Filter"].contains { (node[$0] as? String)?.contains("account_key = ") == true }
                && aliases.contains { (node["Alias"] as? String) == $0 }
        }
        if !(sortKey.first?.hasSuffix("account_key") ?? false) && !fixed {
            problems.append("scopes are ordered by \(sortKey) and not fixed to one account")
        }
        return problems
    }
}
