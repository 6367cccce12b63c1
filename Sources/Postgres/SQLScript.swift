import Foundation

/// Lexical help with PostgreSQL SQL text: splitting a script into statements (postgres-nio runs one
/// statement per query, through the extended protocol) and turning SQLite-style named
/// parameters (`:name`, `@name`, `$name`) into PostgreSQL's positional `$1`.
///
/// Quotes ('…', "…"), comments (`--`, `/* */`) and dollar-quoted bodies (`$$ … $$`, `$tag$ … $tag$`,
/// https://www.postgresql.org/docs/15/sql-syntax-lexical.html#SQL-SYNTAX-DOLLAR-QUOTING) are
/// stepped over whole, so nothing inside them splits a statement or counts as a parameter.
enum SQLScript {
    /// The statements of `script`, each without its `;`, empty ones dropped.
    static func statements(_ script: String) -> [String] {
        var out: [String] = [], current = ""
        scan(script) { token in
            if token == ";" {
                append(&out, current)
                current = ""
            } else {
                current += token
            }
        }
        append(&out, current)
        return out
    }

    private static func append(_ list: inout [String], _ statement: String) {
        let trimmed = statement.trimmingCharacters(in: .whitespacesAndNewlines)
        if !SQLScript.isOnlyComments(trimmed) { list.append(trimmed) }
    }

    static func isOnlyComments(_ text: String) -> Bool {
        var only = true
        scan(text) { token in
            if !(token.hasPrefix("--") || token.hasPrefix("/*") || token.allSatisfy(\.isWhitespace)) { only = false }
        }
        return only
    }

    /// `sql` with each named parameter replaced by `$n`, and the names in the order of n (a name
    /// used twice gets one number). `::` casts are not parameters.
    static func positional(_ sql: String) -> (sql: String, names: [String]) {
        var out = "", names: [String] = []
        scan(sql) { token in
            if token.count > 1, let first = token.first, ":@$".contains(first), token.dropFirst().first.map(isNameStart) == true {
                let name = String(token.dropFirst())
                if let index = names.firstIndex(of: name) {
                    out += "$\(index + 1)"
                } else {
                    names.append(name)
                    out += "$\(names.count)"
                }
            } else {
                out += token
            }
        }
        return (out, names)
    }

    /// SQLite's text of one of Load's or Query's statements as PostgreSQL's:
    /// - parameters: `?N` as `$N`, and each bare `?` as the next number (as SQLite counts them:
    ///   one more than the largest so far);
    /// - SQLite's null-safe comparisons (https://sqlite.org/lang_expr.html#isisnot): `a IS b` as
    ///   `a IS NOT DISTINCT FROM b` and `a IS NOT b` as `a IS DISTINCT FROM b`, PostgreSQL's
    ///   spelling (https://www.postgresql.org/docs/15/functions-comparison.html), where `b` is
    ///   not `NULL`, `TRUE`, `FALSE` or already `DISTINCT`.
    /// Nothing inside a quote or comment changes.
    static func forPostgres(_ sql: String) -> String {
        var tokens: [String] = []
        scan(sql) { tokens.append($0) }
        var out = "", largest = 0, i = 0
        /// The index of the next token after `j` that is not whitespace.
        func next(_ j: Int) -> Int {
            var k = j + 1
            while k < tokens.count, tokens[k].allSatisfy(\.isWhitespace) { k += 1 }
            return k
        }
        func word(_ k: Int) -> String { k < tokens.count ? tokens[k].uppercased() : "" }
        let literal: Set<String> = ["NULL", "TRUE", "FALSE", "DISTINCT"]
        while i < tokens.count {
            let token = tokens[i]
            if token == "?" {
                if i + 1 < tokens.count, let n = Int(tokens[i + 1]), tokens[i + 1].allSatisfy(\.isASCII) {
                    out += "$\(n)"
                    largest = max(largest, n)
                    i += 2
                    continue
                }
                largest += 1
                out += "$\(largest)"
            } else if token.uppercased() == "IS" {
                let after = next(i)
                if word(after) == "NOT", !literal.contains(word(next(after))) {
                    out += "IS DISTINCT FROM"
                    i = after + 1
                    continue
                }
                out += word(after) == "NOT" || literal.contains(word(after)) ? token : "IS NOT DISTINCT FROM"
            } else {
                out += token
            }
            i += 1
        }
        return out
    }

    /// The words of `sql` (names and keywords, upper-cased) outside quotes and comments.
    static func words(_ sql: String) -> [String] {
        var words: [String] = []
        scan(sql) { token in
            if let first = token.first, isNamePart(first) { words.append(token.uppercased()) }
        }
        return words
    }

    /// Whether a cursor can run `sql` (https://www.postgresql.org/docs/15/sql-declare.html takes
    /// a SELECT or VALUES only): it starts with SELECT or WITH and has no INSERT, UPDATE, DELETE,
    /// MERGE or INTO anywhere (DECLARE refuses a data-modifying WITH, `SELECT … INTO` and
    /// `FOR UPDATE`). A name holding such a word only costs the query its streaming.
    static func isCursorQuery(_ sql: String) -> Bool {
        let words = words(sql)
        guard words.first == "SELECT" || words.first == "WITH" else { return false }
        let writes: Set<String> = ["INSERT", "UPDATE", "DELETE", "MERGE", "INTO"]
        return !words.contains(where: writes.contains)
    }

    /// Whether `sql` opens a transaction block (true: BEGIN, START TRANSACTION) or ends one
    /// (false: COMMIT, END, ABORT, ROLLBACK but not ROLLBACK TO a savepoint, PREPARE
    /// TRANSACTION); nil for any other statement.
    /// https://www.postgresql.org/docs/15/sql-commands.html
    static func transactionChange(_ sql: String) -> Bool? {
        let words = words(sql).prefix(2)
        switch words.first {
        case "BEGIN", "START": return true
        case "COMMIT", "END", "ABORT": return false
        case "ROLLBACK": return words.dropFirst().first == "TO" ? nil : false
        case "PREPARE": return words.dropFirst().first == "TRANSACTION" ? false : nil
        default: return nil
        }
    }

    private static func isNameStart(_ c: Character) -> Bool { c.isLetter || c == "_" }
    private static func isNamePart(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// Calls `body` with each token of `text`: a quoted string or identifier, a comment, a dollar-
    /// quoted body, a parameter (`:name`), `::`, `;`, or any other single character.
    static func scan(_ text: String, _ body: (String) -> Void) {
        let chars = Array(text)
        var i = 0
        func until(_ end: [Character], from start: Int) -> Int {
            var j = start
            while j < chars.count {
                if chars[j] == end[0], j + end.count <= chars.count, Array(chars[j..<j + end.count]) == end { return j + end.count }
                j += 1
            }
            return chars.count
        }
        while i < chars.count {
            let c = chars[i], next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            var end = i + 1
            if c == "'" || c == "\"" {
                end = i + 1
                while end < chars.count {
                    if chars[end] == c {
                        if end + 1 < chars.count, chars[end + 1] == c { end += 2; continue }
                        end += 1
                        break
                    }
                    end += 1
                }
            } else if c == "-", next == "-" {
                end = chars[i...].firstIndex(of: "\n").map { $0 + 1 } ?? chars.count
            } else if c == "/", next == "*" {
                end = until(["*", "/"], from: i + 2)
            } else if c == ":", next == ":" {
                end = i + 2
            } else if c == "$", let tag = dollarTag(chars, at: i) {
                end = until(tag, from: i + tag.count)
            } else if ":@$".contains(c), let next, isNameStart(next) {
                end = i + 1
                while end < chars.count, isNamePart(chars[end]) { end += 1 }
            } else if isNamePart(c) {
                // A whole word at once, so `a$b` or `x:y` inside an identifier is not cut.
                while end < chars.count, isNamePart(chars[end]) || chars[end] == "$" { end += 1 }
            }
            body(String(chars[i..<end]))
            i = end
        }
    }

    /// `$$` or `$tag$` starting at `i`, or nil.
    private static func dollarTag(_ chars: [Character], at i: Int) -> [Character]? {
        var j = i + 1
        while j < chars.count, chars[j] != "$" {
            guard isNamePart(chars[j]), !(j == i + 1 && chars[j].isNumber) else { return nil }
            j += 1
        }
        return j < chars.count ? Array(chars[i...j]) : nil
    }
}


