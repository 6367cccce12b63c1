import Foundation
import Ingest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Expands a shell pattern (`/srv/exports/*.csv`) with glob(3), sorted, regular files only.
public enum FileGlob {
    public static func paths(_ pattern: String) throws -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        let status = glob(pattern, 0, nil, &result)
        if status == GLOB_NOMATCH { return [] }
        guard status == 0 else { throw ImportError(file: pattern, message: "cannot list the files (glob error \(status))") }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            guard let cString = result.gl_pathv[index] else { continue }
            let path = String(cString: cString)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { paths.append(path) }
        }
        return paths.sorted()
    }

    /// Whether `text` holds a character glob(3) treats as a pattern.
    public static func isPattern(_ text: String) -> Bool { text.contains { "*?[".contains($0) } }

    /// The files `arguments` name: each argument that is a pattern and not an existing path
    /// expanded (sorted), the rest as given. A pattern that matches no file is an error naming it.
    public static func files(_ arguments: [String]) throws -> [String] {
        try arguments.flatMap { argument -> [String] in
            guard argument != "-", isPattern(argument), !FileManager.default.fileExists(atPath: argument) else { return [argument] }
            let matches = try paths(argument)
            guard !matches.isEmpty else { throw ImportError(file: argument, message: "no file matches this pattern") }
            return matches
        }
    }
}
