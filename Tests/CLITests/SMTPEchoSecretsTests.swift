import Foundation
import TestSupport
import Testing

/// Issue 17, item 1, for SMTP: a server that repeats the AUTH exchange in its error reply (the
/// base64 of `\0user\0password`, and that decoded) gets no credential onto standard output,
/// standard error, the warehouse or its WAL (`warehouse alerts --notify`, exit 3).
@Suite struct SMTPEchoSecretsTests {
    /// An SMTP server on a free port of 127.0.0.1 that offers AUTH PLAIN and LOGIN and answers
    /// every credential with a 535 quoting it, raw and decoded.
    static let echoServer = #"""
        import base64, socket, threading
        s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
        print("PORT %d" % s.getsockname()[1], flush=True)
        def decoded(t):
            try: return base64.b64decode(t, validate=True).decode("latin-1").replace("\0", " ")
            except Exception: return t
        def serve(c):
            send = lambda text: c.sendall(text.encode("latin-1") + b"\r\n")
            send("220 echo ESMTP"); pending = False
            for raw in c.makefile("rb"):
                line = raw.decode("latin-1").rstrip("\r\n"); up = line.upper()
                if pending:
                    send("535 5.7.8 Authentication failed for %s (%s)" % (line, decoded(line))); pending = False
                elif up.startswith(("EHLO", "HELO")): send("250-echo " + line); send("250 AUTH PLAIN LOGIN")
                elif up.startswith("AUTH"):
                    arg = line.split(" ", 2)[2] if line.count(" ") >= 2 else ""
                    if up.startswith("AUTH PLAIN") and arg: send("535 5.7.8 Authentication failed for %s (%s)" % (line, decoded(arg)))
                    else: send("334 UGFzc3dvcmQ6" if up.startswith("AUTH LOGIN") and arg else "334 "); pending = True
                elif up == "QUIT": send("221 bye"); break
                else: send("500 5.5.2 echo: " + line)
            c.close()
        while True:
            try: c, _ = s.accept()
            except OSError: break
            threading.Thread(target=serve, args=(c,), daemon=True).start()
        """#

    @Test func anSMTPServerEchoingTheCredentialsLeaksNothing() throws {
        let dir = try TemporaryDirectory()
        let process = Process(), output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.echoServer]
        process.standardOutput = output
        try process.run()
        defer {
            // SIGKILL: the test runner's children may ignore SIGTERM.
            _ = kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != UInt8(ascii: "\n") { line.append(first) }
        let port = try #require(Int(String(decoding: line, as: UTF8.self).dropFirst(5)), "the echo server did not start")

        let (db, config) = try AlertsCommandTests().setUp(dir, smtp: "smtp://127.0.0.1:\(port)")
        let user = "alerts-ECHO-user", password = AlertsCommandTests.password
        let result = try CLI.run(["alerts", "--notify", "--db", db, "--config", config], environment: ["CLI_TEST_SMTP_USER": user, "CLI_TEST_SMTP_PASSWORD": password])
        #expect(result.status == 3, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("failed  ana@example.org"), "the sends reached the server and failed: \(result.stdout)")
        let plain = Data("\0\(user)\0\(password)".utf8).base64EncodedString(), login = Data(password.utf8).base64EncodedString()
        var stored = try Data(contentsOf: URL(fileURLWithPath: db))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: db + "-wal")) { stored += wal }
        for secret in [password, plain, login] {
            #expect(!(result.stdout + result.stderr).contains(secret), "\(secret) printed: \(result.stdout) \(result.stderr)")
            #expect(stored.range(of: Data(secret.utf8)) == nil, "\(secret) in the warehouse")
        }
    }
}
