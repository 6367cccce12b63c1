import Foundation

// embed-schema INPUT OUTPUT.swift [TYPE MEMBER]: writes `enum TYPE { static let MEMBER = ... }` holding
// the text of INPUT (default `EmbeddedSchema.sql`). The EmbedSchema plugin embeds schema.sql with it,
// the EmbedOpenData plugin the FinOps toolkit's open data files.
let arguments = CommandLine.arguments
guard arguments.count == 3 || arguments.count == 5 else {
    FileHandle.standardError.write(Data("usage: embed-schema INPUT OUTPUT.swift [TYPE MEMBER]\n".utf8))
    exit(2)
}
let (type, member) = arguments.count == 5 ? (arguments[3], arguments[4]) : ("EmbeddedSchema", "sql")
do {
    let text = try String(contentsOfFile: arguments[1], encoding: .utf8)
    var delimiter = "#"
    while text.contains("\"\"\"" + delimiter) || text.contains("\"" + delimiter) { delimiter += "#" }
    let name = (arguments[1] as NSString).lastPathComponent
    let swift = """
        // Generated from \(name) by embed-schema. Do not edit.
        enum \(type) {
            static let \(member) = \(delimiter)\"\"\"
        \(text)
        \"\"\"\(delimiter)
        }

        """
    try swift.write(toFile: arguments[2], atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("embed-schema: \(error)\n".utf8))
    exit(1)
}
