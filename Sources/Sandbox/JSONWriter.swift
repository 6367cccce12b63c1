import WarehouseCore

/// The sandbox's own JSON output: an append-only writer over UTF-8 bytes.
///
/// Deliberately not `Codable` and not shared with Extract (see DESIGN.md §1): the sandbox writes
/// the documented wire format by hand, so a misreading of a contract in the client cannot be
/// mirrored by the same misreading here. Numbers are written from their decimal text, exactly.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    init(capacity: Int = 4096, byteOrderMark: Bool = false) {
        bytes.reserveCapacity(capacity)
        if byteOrderMark { bytes += [0xEF, 0xBB, 0xBF] }
    }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma.removeLast() }
    mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma.removeLast() }

    /// A member name; the next value written is its value.
    mutating func key(_ name: String) {
        separate()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    mutating func string(_ value: String) { separate(); writeString(value) }
    /// A number from its decimal text (already valid JSON number syntax).
    mutating func number(_ text: String) { separate(); bytes += Array(text.utf8) }
    mutating func number(_ value: Int) { number(String(value)) }
    mutating func bool(_ value: Bool) { number(value ? "true" : "false") }
    mutating func null() { number("null") }

    mutating func member(_ name: String, _ value: String) { key(name); string(value) }
    mutating func member(_ name: String, number value: String) { key(name); number(value) }
    mutating func member(_ name: String, _ value: Int) { key(name); number(value) }
    mutating func member(_ name: String, _ value: Bool) { key(name); bool(value) }

    mutating func object(_ name: String, _ body: (inout JSONWriter) -> Void) { key(name); beginObject(); body(&self); endObject() }
    mutating func array(_ name: String, _ body: (inout JSONWriter) -> Void) { key(name); beginArray(); body(&self); endArray() }

    /// Writes a `{"k":"v",...}` object of strings, keys in the given order.
    mutating func stringObject(_ name: String, _ pairs: [(String, String)]) {
        object(name) { w in for (k, v) in pairs { w.member(k, v) } }
    }

    /// Escaping is WarehouseCore's `JSONString`, the one escaper of the warehouse (a primitive,
    /// not a wire model: the documents' shapes stay the sandbox's own).
    private mutating func writeString(_ value: String) {
        bytes += JSONString.quoted(value).utf8
    }

    /// The text written so far (for embedding one JSON document as a string in another, as
    /// Azure Commerce does with `instanceData`).
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
