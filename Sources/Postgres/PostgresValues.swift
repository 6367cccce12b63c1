import Foundation
import Load
import PostgresNIO

/// `SQLValue`s to and from PostgreSQL's wire formats
/// (https://www.postgresql.org/docs/15/protocol-overview.html#PROTOCOL-FORMAT-CODES): what is
/// bound, how a result cell reads back, and a row as a line of COPY's text format.
enum PostgresValues {
    /// Binds `value`. Text goes as an untyped text parameter (type OID 0), so the server gives it
    /// the type of the column or operator it meets, as libpq's `PQexecParams` does with no types.
    static func bind(_ value: SQLValue, into bindings: inout PostgresBindings) {
        switch value {
        case .null: bindings.appendNull()
        case .integer(let v): bindings.append(v)
        case .real(let v): bindings.append(v)
        case .text(let v): bindings.append(UntypedText(text: v))
        case .blob(let v): bindings.append(ByteBuffer(bytes: v))
        }
    }

    /// One result cell as the value SQLite would have given: integers and booleans as integers,
    /// floating point as real, bytea as blob, `numeric` as its exact decimal text, dates and times
    /// as ISO-8601 text, anything textual (text, citext, json) as text.
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard var bytes = cell.bytes else { return .null }
        if cell.format == .text { return .text(String(buffer: bytes)) }
        switch cell.dataType {
        case .int2: return .integer(Int64(bytes.readInteger(as: Int16.self) ?? 0))
        case .int4: return .integer(Int64(bytes.readInteger(as: Int32.self) ?? 0))
        case .int8: return .integer(bytes.readInteger(as: Int64.self) ?? 0)
        case .oid: return .integer(Int64(bytes.readInteger(as: UInt32.self) ?? 0))
        case .bool: return .integer((bytes.readInteger(as: UInt8.self) ?? 0) != 0 ? 1 : 0)
        case .float4: return .real(Double(try cell.decode(Float.self)))
        case .float8: return .real(try cell.decode(Double.self))
        case .numeric: return .text(numericText(&bytes))
        case .bytea: return .blob(Data(bytes.readableBytesView))
        case .date: return .text(dateText(days: Int64(bytes.readInteger(as: Int32.self) ?? 0)))
        case .timestamp, .timestamptz: return .text(timestampText(micros: bytes.readInteger(as: Int64.self) ?? 0))
        case .jsonb:
            bytes.moveReaderIndex(forwardBy: 1)  // the jsonb format version
            return .text(String(buffer: bytes))
        default:
            let data = Data(bytes.readableBytesView)
            if let text = String(data: data, encoding: .utf8) { return .text(text) }
            return .blob(data)
        }
    }

    /// `numeric`'s binary form (ndigits, weight, sign, dscale, base-10000 digits) as the exact
    /// decimal text the server would print.
    static func numericText(_ bytes: inout ByteBuffer) -> String {
        guard let count = bytes.readInteger(as: Int16.self), let weight = bytes.readInteger(as: Int16.self),
              let sign = bytes.readInteger(as: UInt16.self), let scale = bytes.readInteger(as: Int16.self)
        else { return "NaN" }
        switch sign {
        case 0xC000: return "NaN"
        case 0xD000: return "Infinity"
        case 0xF000: return "-Infinity"
        default: break
        }
        let digits = (0..<Int(count)).map { _ in Int(bytes.readInteger(as: Int16.self) ?? 0) }
        func digit(_ i: Int) -> Int { i >= 0 && i < digits.count ? digits[i] : 0 }
        func four(_ d: Int) -> String { String(repeating: "0", count: 4 - String(d).count) + String(d) }
        var whole = ""
        if weight >= 0 {
            for i in 0...Int(weight) { whole += i == 0 ? String(digit(i)) : four(digit(i)) }
        } else {
            whole = "0"
        }
        var fraction = ""
        var i = Int(weight) + 1
        while fraction.count < Int(scale) {
            fraction += four(digit(i))
            i += 1
        }
        fraction = String(fraction.prefix(Int(scale)))
        let negative = sign == 0x4000 && (digits.contains { $0 != 0 })
        return (negative ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// PostgreSQL's epoch is 2000-01-01; its dates and timestamps count from there.
    static let epochOffset: Int64 = 946_684_800

    static func dateText(days: Int64) -> String {
        String(timestampText(micros: days * 86_400_000_000).prefix(10))
    }

    static func timestampText(micros: Int64) -> String {
        let seconds = micros.quotientAndRemainder(dividingBy: 1_000_000)
        var whole = seconds.quotient + epochOffset
        var fraction = seconds.remainder
        if fraction < 0 {
            whole -= 1
            fraction += 1_000_000
        }
        var time = time_t(whole)
        var parts = tm()
        gmtime_r(&time, &parts)
        let text = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        return text + (fraction == 0 ? "" : String(format: ".%06d", Int(fraction))) + "Z"
    }

    // MARK: COPY text format

    /// `row` as one line of COPY's text format: tab-separated, `\N` for NULL, backslash, tab, CR
    /// and LF escaped, bytea as `\\x` and hex (https://www.postgresql.org/docs/15/sql-copy.html).
    static func appendCopyLine(_ row: [SQLValue], to buffer: inout ByteBuffer) {
        for (index, value) in row.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            switch value {
            case .null: buffer.writeStaticString("\\N")
            case .integer(let v): buffer.writeString(String(v))
            case .real(let v): buffer.writeString(v.isNaN ? "NaN" : v.isInfinite ? (v < 0 ? "-Infinity" : "Infinity") : String(v))
            case .text(let v): appendEscaped(v, to: &buffer)
            case .blob(let v):
                buffer.writeStaticString("\\\\x")
                buffer.reserveCapacity(minimumWritableBytes: v.count * 2)
                for byte in v {
                    buffer.writeInteger(hexDigits[Int(byte >> 4)])
                    buffer.writeInteger(hexDigits[Int(byte & 0x0f)])
                }
            }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func appendEscaped(_ text: String, to buffer: inout ByteBuffer) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }
}

/// Text bound with no type (OID 0), in text format: the server infers it from where it is used.
struct UntypedText: PostgresDynamicTypeEncodable {
    let text: String
    var psqlType: PostgresDataType { PostgresDataType(0) }
    var psqlFormat: PostgresFormat { .text }
    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeString(text)
    }
}
