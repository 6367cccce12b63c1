import Foundation

/// Writes `text` to `path` atomically (a half-written invoice or export is never left behind), or to
/// standard output when there is no path. Shared by `invoice`, `report` and `export`.
func writeOutput(_ text: String, to path: String?) throws {
    guard let path else { return printOut(text) }
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw OutputFileError(description: "cannot write \(path): \(error.localizedDescription)")
    }
}

/// A failure to write `--output FILE`, as one line.
struct OutputFileError: Error, CustomStringConvertible {
    let description: String
}
