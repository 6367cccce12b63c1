import Foundation

/// A fixture file's bytes, from the test bundle's `Fixtures` folder.
enum Fixture {
    struct Missing: Error, CustomStringConvertible {
        let name: String
        var description: String { "no fixture \(name)" }
    }

    static func data(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else { throw Missing(name: name) }
        return try Data(contentsOf: url)
    }
}
