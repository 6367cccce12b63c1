import Foundation

/// A real SMTP server on 127.0.0.1 (`scripts/smtp-sink.py`, aiosmtpd) for one test: started on a
/// free port, each accepted message kept as a JSON file, stopped by closing its standard input.
/// When aiosmtpd is missing the test fails saying how to install it (CI installs it through
/// `make test`), never skips.
final class SMTPSink {
    struct Message: Decodable {
        var mail_from: String
        var rcpt_tos: [String]
        var subject: String
        var content_type: String
        var text: String?
        var html: String?
        var raw: String
        var authenticated: Bool
        var tls: Bool
    }

    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    let directory: URL
    let port: Int
    private let process: Process
    private let input: Pipe

    /// `user`/`password`: AUTH the server requires (nil: none); `tls`: STARTTLS required, with a
    /// self-signed certificate at `certificate`.
    init(user: String? = nil, password: String? = nil, tls: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "warehouse-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "scripts/smtp-sink.py")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, directory.path]
        var environment = ProcessInfo.processInfo.environment
        if let user, let password {
            environment["SMTP_SINK_USER"] = user
            environment["SMTP_SINK_PASSWORD"] = password
        }
        if tls { environment["SMTP_SINK_TLS"] = "1" }
        process.environment = environment
        input = Pipe()
        let output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // The first line is `PORT <n>`; anything else (or end of file) means it did not start.
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != UInt8(ascii: "\n") {
            line.append(first)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            process.waitUntilExit()
            let why = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw Unavailable(description: "the SMTP test server did not start (needs python3 and aiosmtpd from scripts/test-requirements.txt; `make test` installs them): \(why)")
        }
        self.port = port
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    var url: String { "smtp://127.0.0.1:\(port)" }

    /// The self-signed certificate of a `tls` server, to trust as a CA bundle.
    var certificate: String { directory.appending(path: "cert.pem").path }

    /// Every message accepted so far, in order.
    func messages() throws -> [Message] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { try JSONDecoder().decode(Message.self, from: Data(contentsOf: directory.appending(path: $0))) }
    }

    /// Makes the server refuse these recipients at RCPT (550) until called again.
    func reject(_ addresses: [String]) throws {
        try Data(addresses.joined(separator: "\n").utf8).write(to: directory.appending(path: "reject"))
    }
}
