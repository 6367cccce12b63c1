import Foundation

/// Shell-style wildcard matching for cost-center rules (`dns-*`, `rg-??-prod`), case-insensitive
/// because Azure resource group names are: `*` is any run of characters, `?` one character,
/// everything else itself. No character classes, no escapes: resource group names cannot
/// contain `*` or `?`.
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.lowercased())
        let t = Array(text.lowercased())
        // Iterative matcher with backtracking to the last star: linear in practice.
        var pi = 0, ti = 0
        var star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || (p[pi] != "*" && p[pi] == t[ti]) {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
