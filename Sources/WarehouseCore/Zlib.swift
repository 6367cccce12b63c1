import CZlib
import Foundation

/// A zlib failure: the operation, zlib's return code and its message.
public struct ZlibError: Error, CustomStringConvertible, Equatable {
    public let operation: String
    public let code: Int32
    public let message: String

    public var description: String {
        operation == Self.limitOperation ? message : "zlib \(operation) failed (\(code)): \(message)"
    }

    static let limitOperation = "inflate-limit"

    /// The document inflates to more than `limit` bytes (a gzip bomb, or a file to be split).
    public static func tooLarge(_ limit: Int) -> ZlibError {
        ZlibError(
            operation: limitOperation, code: Z_BUF_ERROR,
            message: "gzip data inflates to more than \(Zlib.describe(bytes: limit)) (the limit per file; set \(Zlib.limitVariable) to a number of MiB to raise it)")
    }
}

/// Deflate and inflate through zlib, the one compression library the warehouse links.
///
/// Raw pages are stored in the zlib format (RFC 1950); `.gz` files and `Content-Encoding: gzip`
/// bodies are gzip (RFC 1952). `inflate` reads either, detecting the header.
/// See https://zlib.net/manual.html
public enum Zlib {
    /// Window bits: 15 = zlib wrapper, 15 + 16 = gzip wrapper, 15 + 32 = detect zlib or gzip.
    static let zlibWindow: Int32 = 15
    static let gzipWindow: Int32 = 15 + 16
    static let autoWindow: Int32 = 15 + 32

    /// Compresses `data` in the zlib format (or gzip with `gzip: true`).
    public static func deflate(_ data: Data, level: Int32 = 6, gzip: Bool = false) throws -> Data {
        var stream = z_stream()
        try check(warehouse_deflate_init(&stream, level, gzip ? gzipWindow : zlibWindow), "deflateInit", &stream)
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(data.count))) + 32
        var output = Data(count: bound)
        // zlib wants a non-null input pointer even for no input.
        var input = [UInt8](data)
        let inputCount = input.count
        if input.isEmpty { input = [0] }
        let produced: Int = try input.withUnsafeMutableBufferPointer { (source: inout UnsafeMutableBufferPointer<UInt8>) in
            try output.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(inputCount)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                let status = CZlib.deflate(&stream, Z_FINISH)
                guard status == Z_STREAM_END else {
                    throw ZlibError(operation: "deflate", code: status, message: message(&stream, status))
                }
                return Int(stream.total_out)
            }
        }
        output.count = produced
        return output
    }

    /// The environment variable that sets `inflatedLimit` in MiB.
    public static let limitVariable = "WAREHOUSE_MAX_INFLATED_MB"

    /// The most bytes one gzip document (an imported file, a response body) may inflate to:
    /// 256 MiB unless `WAREHOUSE_MAX_INFLATED_MB` says otherwise. The largest real page is far
    /// below it: a Partner Center or Azure Commerce page of 1,000 records is about 0.6 MB of JSON
    /// (README, Benchmarks: 100 pages, 60 MB), an ArcGIS usage page smaller still, and a month's
    /// cost export of 100,000 rows about 60 MB of CSV; 256 MiB leaves four times that and keeps a
    /// bomb (4 MB of gzip can claim 4 GB) to a bounded, flat amount of memory. Larger cost exports
    /// are imported unzipped, split (Azure's partitioned exports), or with the variable raised.
    public static let inflatedLimit: Int = {
        let environment = ProcessInfo.processInfo.environment[limitVariable].flatMap { Int($0) }
        guard let mib = environment, mib > 0, mib <= 1 << 20 else { return 256 << 20 }
        return mib << 20
    }()

    /// `n` bytes as "256 MiB" (or bytes when under 1 MiB).
    public static func describe(bytes n: Int) -> String {
        n >= 1 << 20 && n % (1 << 20) == 0 ? "\(n >> 20) MiB" : "\(n) bytes"
    }

    /// Inflates zlib or gzip data (detected from the header). Concatenated gzip members are read
    /// to the end, as `gunzip` does. Streaming, 256 KiB at a time: past `limit` bytes of output it
    /// stops with `ZlibError.tooLarge` before holding more than `limit` plus one chunk.
    public static func inflate(_ data: Data, limit: Int = inflatedLimit) throws -> Data {
        if data.isEmpty {
            throw ZlibError(operation: "inflate", code: Z_DATA_ERROR, message: "no data")
        }
        var output = Data()
        output.reserveCapacity(min(limit, data.count.multipliedReportingOverflow(by: 4).partialValue, 64 << 20))
        var offset = 0
        // One iteration per gzip member (a zlib stream has exactly one).
        while offset < data.count {
            var stream = z_stream()
            try check(warehouse_inflate_init(&stream, autoWindow), "inflateInit", &stream)
            defer { inflateEnd(&stream) }
            var chunk = [UInt8](repeating: 0, count: 256 * 1024)
            let consumed: Int = try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                let input = raw.bindMemory(to: Bytef.self)
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + offset)
                stream.avail_in = uInt(input.count - offset)
                while true {
                    let status: Int32 = chunk.withUnsafeMutableBufferPointer { buffer in
                        stream.next_out = buffer.baseAddress
                        stream.avail_out = uInt(buffer.count)
                        return CZlib.inflate(&stream, Z_NO_FLUSH)
                    }
                    let produced = chunk.count - Int(stream.avail_out)
                    if output.count + produced > limit { throw ZlibError.tooLarge(limit) }
                    output.append(contentsOf: chunk[0..<produced])
                    if status == Z_STREAM_END { return Int(stream.total_in) }
                    if status == Z_BUF_ERROR && stream.avail_in == 0 {
                        throw ZlibError(operation: "inflate", code: status, message: "truncated input")
                    }
                    guard status == Z_OK || status == Z_BUF_ERROR else {
                        throw ZlibError(operation: "inflate", code: status, message: message(&stream, status))
                    }
                }
            }
            offset += consumed
            // Trailing zero padding after a gzip member is tolerated, as gunzip does.
            if data[data.startIndex + offset..<data.endIndex].allSatisfy({ $0 == 0 }) { break }
        }
        return output
    }

    /// True when `data` starts with the gzip magic number.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    private static func check(_ status: Int32, _ operation: String, _ stream: inout z_stream) throws {
        guard status == Z_OK else {
            throw ZlibError(operation: operation, code: status, message: message(&stream, status))
        }
    }

    private static func message(_ stream: inout z_stream, _ status: Int32) -> String {
        if let text = stream.msg { return String(cString: text) }
        switch status {
        case Z_DATA_ERROR: return "corrupt data"
        case Z_MEM_ERROR: return "out of memory"
        case Z_BUF_ERROR: return "buffer error"
        case Z_STREAM_ERROR: return "stream error"
        case Z_VERSION_ERROR: return "incompatible zlib version"
        default: return "error \(status)"
        }
    }
}
