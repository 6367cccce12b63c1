import Foundation
import WarehouseCore

#if canImport(Glibc)
import Glibc
#endif

/// Reads an import file with `open(2)`/`read(2)`, so a failure says what is true: a directory is
/// "a directory", a missing file "No such file or directory", a refused one "Permission denied"
/// (from errno, not Foundation's guess); a FIFO (`import <(zcat f.gz)`) and a device are read as
/// streams, at most `WAREHOUSE_MAX_INFLATED_MB` (256 MiB) from them, so `/dev/zero` ends with a
/// line instead of filling memory. `/dev/null` is read as what it is, an empty document.
enum InputFile {
    /// The reason as a `LocalizedError`, since the importer prints `localizedDescription`.
    struct Failure: LocalizedError, CustomStringConvertible {
        let description: String
        var errorDescription: String? { description }
    }

    static func read(_ path: String) throws -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Failure(description: String(cString: strerror(errno))) }
        if info.st_mode & S_IFMT == S_IFDIR { throw Failure(description: "it is a directory, not a file") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(description: String(cString: strerror(errno))) }
        defer { close(fd) }
        return try read(fd: fd, name: path, regular: info.st_mode & S_IFMT == S_IFREG, size: Int(info.st_size))
    }

    /// All of `fd`; a stream (not a regular file) is cut off past `Zlib.inflatedLimit` bytes.
    static func read(fd: Int32, name: String, regular: Bool, size: Int = 0) throws -> Data {
        let limit = Zlib.inflatedLimit
        var data = Data(capacity: regular ? size : 1 << 16)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw Failure(description: String(cString: strerror(errno))) }
            if n == 0 { return data }
            data.append(contentsOf: buffer[0..<n])
            if !regular && data.count > limit {
                throw Failure(description: "more than \(Zlib.describe(bytes: limit)) from a pipe or device (the limit; set \(Zlib.limitVariable) to raise it)")
            }
        }
    }
}
