import Foundation
import WarehouseCore

/// A forward-only JSON scanner over raw bytes for decoders specialized to one document shape
/// (`UtilizationPageDecoder`): no tree, no per-key `String`, strict RFC 8259 syntax.
///
/// It never reports errors itself: anything it is not sure of (any syntax error, an escape in
/// a string, non-UTF-8, deep nesting) throws `Bail`, and the caller re-reads the document with
/// the reference `JSONParser`, which either produces the precise error or the value. So the
/// scanner only has to be right on what it accepts, never on how it rejects; the fuzz tests in
/// `UtilizationPageDecoderFuzzTests` check exactly that.
struct JSONByteCursor {
    /// "Not sure: ask the reference parser."
    struct Bail: Error {}

    /// Deeper than this, the reference parser decides (it refuses more than 512 levels).
    static let maxDepth = 256

    let base: UnsafePointer<UInt8>
    let count: Int
    var index: Int
    var depth = 0

    init(_ base: UnsafePointer<UInt8>, count: Int, from start: Int) {
        self.base = base
        self.count = count
        index = start
    }

    var atEnd: Bool { index >= count }

    /// The byte at the cursor, or 0 at the end (0 is never valid outside a string here).
    @inline(__always) var peek: UInt8 { index < count ? base[index] : 0 }

    @inline(__always) mutating func skipWhitespace() {
        while index < count {
            let b = base[index]
            guard b == 0x20 || b == 0x0a || b == 0x0d || b == 0x09 else { return }
            index += 1
        }
    }

    /// Consumes `byte` after optional whitespace, or bails.
    @inline(__always) mutating func expect(_ byte: UInt8) throws(Bail) {
        skipWhitespace()
        guard index < count, base[index] == byte else { throw Bail() }
        index += 1
    }

    /// After a member or element: true for `,` (more follow), false for `close`.
    @inline(__always) mutating func more(close: UInt8) throws(Bail) -> Bool {
        skipWhitespace()
        guard index < count else { throw Bail() }
        let b = base[index]
        index += 1
        if b == 0x2c { return true }
        if b == close { return false }
        throw Bail()
    }

    /// Reads an object: `body` once per member, with the key's bytes and the cursor on the value,
    /// which `body` must consume.
    @inline(__always) static func object(
        _ c: inout JSONByteCursor, _ body: (inout JSONByteCursor, Range<Int>) throws(Bail) -> Void
    ) throws(Bail) {
        guard try !c.open(0x7b, close: 0x7d) else { return }
        repeat {
            let k = try c.key()
            try body(&c, k)
        } while try c.more(close: 0x7d)
        c.depth -= 1
    }

    /// Reads an array: `body` once per element, the cursor on it.
    @inline(__always) static func array(_ c: inout JSONByteCursor, _ body: (inout JSONByteCursor) throws(Bail) -> Void) throws(Bail) {
        guard try !c.open(0x5b, close: 0x5d) else { return }
        repeat { try body(&c) } while try c.more(close: 0x5d)
        c.depth -= 1
    }

    /// Consumes `open` and tells whether the container is empty (then consumed whole).
    mutating func open(_ open: UInt8, close: UInt8) throws(Bail) -> Bool {
        try expect(open)
        try enter()
        skipWhitespace()
        if peek == close {
            index += 1
            depth -= 1
            return true
        }
        return false
    }

    mutating func enter() throws(Bail) {
        depth += 1
        if depth > Self.maxDepth { throw Bail() }
    }

    /// A member's key as a byte range (the quotes excluded), then its `:`. Keys with escapes bail.
    @inline(__always) mutating func key() throws(Bail) -> Range<Int> {
        skipWhitespace()
        let range = try stringRange()
        try expect(0x3a)
        skipWhitespace()
        return range
    }

    /// True when the bytes in `range` are `name`.
    @inline(__always) func matches(_ range: Range<Int>, _ name: StaticString) -> Bool {
        range.count == name.utf8CodeUnitCount && memcmp(base + range.lowerBound, name.utf8Start, range.count) == 0
    }

    /// A string's content range, the cursor on its opening quote. Bails on escapes, control
    /// characters and invalid UTF-8 (validated only when a byte is not ASCII).
    @inline(__always) mutating func stringRange() throws(Bail) -> Range<Int> {
        guard index < count, base[index] == 0x22 else { throw Bail() }
        index += 1
        let start = index
        var high = false
        while index < count {
            let b = base[index]
            if b == 0x22 {
                let range = start..<index
                index += 1
                if high, String(validating: UnsafeBufferPointer(start: base + start, count: range.count), as: UTF8.self) == nil {
                    throw Bail()
                }
                return range
            }
            if b < 0x20 || b == 0x5c { throw Bail() }
            if b >= 0x80 { high = true }
            index += 1
        }
        throw Bail()
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self)
    }

    /// A string value (whitespace before it skipped).
    mutating func string() throws(Bail) -> String {
        skipWhitespace()
        return text(try stringRange())
    }

    /// A string value or `null` (nil).
    mutating func optionalString() throws(Bail) -> String? {
        skipWhitespace()
        if peek == 0x6e {
            try literal("null")
            return nil
        }
        return try string()
    }

    /// True (and consumed) when the next value is `null`.
    mutating func null() throws(Bail) -> Bool {
        skipWhitespace()
        guard peek == 0x6e else { return false }
        try literal("null")
        return true
    }

    mutating func literal(_ word: StaticString) throws(Bail) {
        let n = word.utf8CodeUnitCount
        guard index + n <= count, memcmp(base + index, word.utf8Start, n) == 0 else { throw Bail() }
        index += n
    }

    /// A number in the JSON grammar; returns its byte range. A number a `Double` may not hold
    /// (over 300 digits, or an exponent taking it past ±1e300) bails: Foundation's
    /// `JSONSerialization` refuses `1e999`, and the fast lane takes nothing it is unsure of
    /// (`scripts/fuzz.sh`, seed 2 round 31838).
    mutating func numberRange() throws(Bail) -> Range<Int> {
        let start = index
        @inline(__always) func digits(_ c: inout JSONByteCursor) -> Int {
            let from = c.index
            while c.index < c.count, c.base[c.index] &- 0x30 < 10 { c.index += 1 }
            return c.index - from
        }
        if peek == 0x2d { index += 1 }
        let first = peek
        guard first &- 0x30 < 10 else { throw Bail() }
        var whole = 1, fraction = 0
        if first == 0x30 {
            index += 1
            if peek &- 0x30 < 10 { throw Bail() }
        } else {
            whole = digits(&self)
        }
        if peek == 0x2e {
            index += 1
            fraction = digits(&self)
            if fraction == 0 { throw Bail() }
        }
        var exponent = 0
        if peek == 0x65 || peek == 0x45 {
            index += 1
            let negative = peek == 0x2d
            if peek == 0x2b || peek == 0x2d { index += 1 }
            let from = index, n = digits(&self)
            if n == 0 || n > 3 { throw Bail() }
            for i in from..<index { exponent = exponent * 10 + Int(base[i] &- 0x30) }
            if negative { exponent = -exponent }
        }
        guard whole + fraction <= 300, whole + exponent <= 300, exponent >= -300 else { throw Bail() }
        return start..<index
    }

    /// Any value, read into a `JSONValue` exactly as `JSONParser` would (objects keep every
    /// member in order, numbers their text).
    mutating func value() throws(Bail) -> JSONValue {
        skipWhitespace()
        switch peek {
        case 0x7b:
            var members: [JSONObject.Member] = []
            try Self.object(&self) { c, k throws(Bail) in members.append(JSONObject.Member(key: c.text(k), value: try c.value())) }
            return .object(JSONObject(members))
        case 0x5b:
            var items: [JSONValue] = []
            try Self.array(&self) { c throws(Bail) in items.append(try c.value()) }
            return .array(items)
        case 0x22: return .string(text(try stringRange()))
        case 0x74: try literal("true"); return .bool(true)
        case 0x66: try literal("false"); return .bool(false)
        case 0x6e: try literal("null"); return .null
        default: return .number(text(try numberRange()))
        }
    }

    /// Any value, validated and skipped without building it.
    mutating func skipValue() throws(Bail) {
        skipWhitespace()
        switch peek {
        case 0x7b: try Self.object(&self) { c, _ throws(Bail) in try c.skipValue() }
        case 0x5b: try Self.array(&self) { c throws(Bail) in try c.skipValue() }
        case 0x22: _ = try stringRange()
        case 0x74: try literal("true")
        case 0x66: try literal("false")
        case 0x6e: try literal("null")
        default: _ = try numberRange()
        }
    }
}
