import Foundation

// embed-schema INPUT.sql OUTPUT.swift: writes `enum EmbeddedSchema { static let sql = ... }`.
let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: embed-schema INPUT.sql OUTPUT.swift\n".utf8))
    exit(2)
}
do {
    let sql = try String(contentsOfFile: arguments[1], encoding: .utf8)
    var delimiter = "#"
    while sql.contains("\"\"\"" + delimiter) || sql.contains("\"" + delimiter) { delimiter += "#" }
    let swift = """
        // Generated from schema.sql by the EmbedSchema plugin. Do not edit.
        enum EmbeddedSchema {
            static let sql = \(delimiter)\"\"\"
        \(sql)
        \"\"\"\(delimiter)
        }

        """
    try swift.write(toFile: arguments[2], atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("embed-schema: \(error)\n".utf8))
    exit(1)
}
