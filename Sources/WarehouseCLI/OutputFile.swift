import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes `text` to `path` atomically (a half-written invoice or export is never left behind), or to
/// standard output when there is no path. Shared by `invoice`, `report` and `export`.
func writeOutput(_ text: String, to path: String?) throws {
    let output = try OutputWriter(path: path)
    try output.write(text)
    try output.finish()
}

/// Output written as it is made (`export focus` of a month of millions of charges), in chunks of
/// about 1 MiB, to standard output or atomically to a file.
///
/// A new file is created 0600 (invoices and exports are as private as the warehouse); an existing
/// file keeps its mode through the replacement. The text goes to a temporary file beside `path`
/// (created owner-only with `O_EXCL`), is flushed, and is renamed over `path` by `finish`; a
/// writer dropped unfinished (the export failed) removes it, so `path` is as it was.
final class OutputWriter {
    private let path: String?
    private var temporary: String?
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    static let chunk = 1 << 20

    init(path: String?) throws {
        self.path = path
        guard let path else { return }
        var mode: mode_t = 0o600
        var existing = stat()
        if stat(path, &existing) == 0 {
            if existing.st_mode & S_IFMT == S_IFDIR { throw OutputFileError(description: "cannot write \(path): it is a directory") }
            mode = existing.st_mode & 0o7777
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appending(path: ".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp").path
        fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("cannot create a temporary file beside it") }
        self.temporary = temporary
        guard fchmod(fd, mode) == 0 else { throw failure("chmod") }
    }

    deinit {
        if fd >= 0 { close(fd) }
        if let temporary { unlink(temporary) }
    }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.chunk { try flush() }
    }

    /// Writes what is left; a file is synced and renamed over `path`.
    func finish() throws {
        try flush()
        guard let path, let temporary else { return }
        guard fsync(fd) == 0 else { throw failure("fsync") }
        close(fd)
        fd = -1
        guard rename(temporary, path) == 0 else { throw failure("rename") }
        self.temporary = nil
    }

    private func flush() throws {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard fd >= 0 else {
            if !buffer.isEmpty { printOut(String(decoding: buffer, as: UTF8.self)) }
            return
        }
        var written = 0
        while written < buffer.count {
            let n = buffer[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure("write") }
            written += n
        }
    }

    private func failure(_ what: String) -> OutputFileError {
        OutputFileError(description: "cannot write \(path ?? "standard output"): \(what): \(String(cString: strerror(errno)))")
    }
}

/// Refuses `--output` naming the warehouse or one of its companions (`-wal`, `-shm`, `-journal`,
/// `.lock`): writing an invoice there would replace the warehouse. Checked before anything is
/// read, so the warehouse is untouched. Compares resolved paths and, for files that exist, device
/// and inode (a hard link or another spelling of the same file).
func checkOutput(_ output: String?, warehouse: String) throws {
    guard let output else { return }
    let target = resolved(output)
    var outputStat = stat()
    let outputExists = stat(output, &outputStat) == 0
    for suffix in ["", "-wal", "-shm", "-journal", ".lock"] {
        let file = warehouse + suffix
        var fileStat = stat()
        let same = resolved(file) == target
            || (outputExists && stat(file, &fileStat) == 0 && fileStat.st_dev == outputStat.st_dev && fileStat.st_ino == outputStat.st_ino)
        if same {
            throw OutputFileError(description: "--output \(output) is the warehouse\(suffix.isEmpty ? "" : "'s \(suffix) file") (\(file)); choose another file")
        }
    }
}

/// `path` absolute, with `.`/`..` and symbolic links of its directory resolved.
private func resolved(_ path: String) -> String {
    let url = URL(fileURLWithPath: path).standardizedFileURL
    let directory = url.deletingLastPathComponent().resolvingSymlinksInPath()
    return directory.appending(path: url.lastPathComponent).resolvingSymlinksInPath().path
}

/// A failure to write `--output FILE`, as one line.
struct OutputFileError: Error, CustomStringConvertible {
    let description: String
}
